#!/usr/bin/python3
"""Writes a tiny, random-weight Stable Diffusion 1.x pipeline in the diffusers ONNX layout.

    /usr/bin/python3 releng/diffusion/make_tiny_sd.py [--out DIR]

Needs torch (1.13 or 2.x) and onnx; Debian's python3-torch and python3-onnx serve. The default DIR is
bundles/dev.atelier.diffusion.tests/fixture/tiny-sd/ in this repository. Every model is a small module defined here,
with the same kinds of layers and operators as SD 1.x (CLIP text transformer, a UNet with ResNet blocks, spatial
transformers with cross-attention and GEGLU, a VAE with attention), exported by torch's TorchScript exporter at opset
14. The tokenizer is a CLIP-style byte-level BPE whose ~300 merges are learned here from a few English prompts.

Weights are random (fixed seeds, so a rerun on the same torch version writes the same numbers); the last layer of
each network is set on a fixed calibration input so that outputs are centred and of sensible magnitude (the UNet's
noise prediction a standard deviation of 1, the VAE decoder's image 0.4 so mostly within [-1, 1], the VAE encoder's
latent 1/0.18215, so about 1 once scaled). Images made with it are noise-like.

After exporting, each model is checked by onnx.checker, its inputs' and outputs' names, element types and shapes are
compared with the contract below, and the torch modules are run on fixed inputs and their output statistics printed.
reference.json records outputs for inputs given by a formula, for a runtime that has no torch to compare with.
"""

import argparse
import inspect
import json
import math
import re
import shutil
from collections import Counter
from pathlib import Path

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 14
SEQ = 77  # CLIP's context length
TEXT_WIDTH = 32
TEXT_HEADS = 2
TEXT_LAYERS = 2
TEXT_MLP = 128
UNET_CHANNELS = (32, 64)
UNET_HEAD_DIM = 16
TIME_DIM = 4 * UNET_CHANNELS[0]
VAE_CHANNELS = 32
LATENT_CHANNELS = 4
GROUPS = 8
SCALING_FACTOR = 0.18215  # SD 1.x's latent scaling
NUM_MERGES = 300
START, END = "<|startoftext|>", "<|endoftext|>"

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "bundles" / "dev.atelier.diffusion.tests" / "fixture" / "tiny-sd"

# ---------------------------------------------------------------------------------------------------------------------
# Tokenizer: CLIP conventions, a vocabulary learned from this text.

CORPUS = """
a photograph of an astronaut riding a horse on the moon
a beautiful landscape painting of mountains and a lake at sunset, highly detailed
portrait of an old man with a grey beard, oil painting, dramatic lighting
a cute cat sitting on a wooden table next to a cup of coffee
a futuristic city at night with neon lights and flying cars, digital art
a red fox in a snowy forest, wildlife photography, 4k
an ancient castle on a cliff above the sea, fantasy art, trending on artstation
a bowl of fresh fruit on a kitchen table, still life, soft light
a small house in the countryside surrounded by flowers, watercolor painting
a dragon flying over a burning village, epic fantasy illustration
a lighthouse on a rocky coast during a storm, dramatic clouds, photorealistic
portrait of a young woman with red hair and green eyes, studio lighting, sharp focus
a vintage car parked on a quiet street in the rain, cinematic, film grain
an astronaut floating in space with the earth in the background, highly detailed
a forest path in autumn with golden leaves, morning light, photograph
a robot reading a book in a library, concept art, warm colors
a sailing ship on a calm sea at sunrise, oil painting in the style of the old masters
a mountain village covered in snow at night, warm lights in the windows
a close up photograph of a butterfly on a flower, macro, shallow depth of field
a steaming bowl of ramen with an egg and green onions, food photography
a knight in shining armor standing in a field of flowers, fantasy painting
a busy market street in an old town, people walking, photograph, 35mm
a waterfall in a tropical jungle, lush green plants, sunlight through the trees
a black and white photograph of a city skyline, long exposure
an owl sitting on a branch in the moonlight, detailed feathers, digital painting
a cozy reading room with a fireplace and a sleeping dog, warm light
a desert landscape with sand dunes under a starry sky, night photography
a wooden boat on a lake surrounded by mountains, reflection in the water
portrait of a smiling child with freckles, natural light, high resolution
a cup of tea on a window sill while it rains outside, soft focus
a medieval city street at dawn, painting, highly detailed, warm colors
a field of sunflowers under a blue sky with white clouds, photograph
a snowy mountain peak at sunrise, pink and orange sky, landscape photography
a glass of red wine on a table in a dark room, studio photograph
a river running through a green valley, painting in the style of a watercolor
a city street at night in the rain with reflections of neon signs, cinematic lighting
a horse running on a beach at sunset, photograph, motion blur
a garden with roses and a stone fountain, oil painting, soft colors
a train crossing a bridge over a river in the mountains, photograph
a little girl with an umbrella walking in the rain, illustration
a tiger resting in the shade of a tree, wildlife photography, detailed fur
a bright kitchen with plants on the shelves, interior design photograph
an old library with tall shelves full of books, golden light, detailed
a portrait of a man in a suit, black and white photograph, sharp focus
a colorful hot air balloon over green hills in the morning
a frozen lake in the winter with mountains in the distance, photograph
a castle in the clouds, fantasy landscape, concept art, highly detailed
a bird sitting on a flower branch, ink painting, simple background
"""

WORD_PATTERN = re.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+", re.IGNORECASE)


def byte_chars():
    """GPT-2's byte -> character table, in its order: the printable bytes as themselves, then the rest as 256 + n."""
    order = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    table = {b: chr(b) for b in order}
    extra = 0
    for b in range(256):
        if b not in table:
            order.append(b)
            table[b] = chr(256 + extra)
            extra += 1
    return order, table


BYTE_ORDER, BYTE_CHAR = byte_chars()


def clean(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def words(text):
    return WORD_PATTERN.findall(clean(text))


def symbols(word):
    """A word's byte characters, the last one marked as the end of the word."""
    chars = [BYTE_CHAR[b] for b in word.encode("utf-8")]
    chars[-1] += "</w>"
    return chars


def merge_pair(parts, a, b):
    out = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return out


def learn_merges(corpus, count):
    """Standard BPE: the most frequent adjacent pair over all words is merged, ties to the smallest pair (by code
    point); a pair whose joined text is already a token is passed over, so every merge adds a new token."""
    freq = Counter(tuple(symbols(w)) for line in corpus.strip().splitlines() for w in words(line))
    segments = {w: list(w) for w in freq}
    known = {BYTE_CHAR[b] for b in BYTE_ORDER} | {BYTE_CHAR[b] + "</w>" for b in BYTE_ORDER}
    passed = set()
    merges = []
    while len(merges) < count:
        pairs = Counter()
        for w, n in freq.items():
            s = segments[w]
            for pair in zip(s, s[1:]):
                pairs[pair] += n
        candidates = [(-n, pair) for pair, n in pairs.items() if n >= 2 and pair not in passed]
        if not candidates:
            raise SystemExit(f"the corpus gives only {len(merges)} merges of pairs seen twice; {count} wanted")
        _, (a, b) = min(candidates)
        if a + b in known:
            passed.add((a, b))
            continue
        merges.append((a, b))
        known.add(a + b)
        for w in segments:
            segments[w] = merge_pair(segments[w], a, b)
    return merges


class Tokenizer:
    def __init__(self, merges):
        self.merges = merges
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        vocab = [BYTE_CHAR[b] for b in BYTE_ORDER] + [BYTE_CHAR[b] + "</w>" for b in BYTE_ORDER]
        vocab += [a + b for a, b in merges] + [START, END]
        self.encoder = {t: i for i, t in enumerate(vocab)}
        assert len(self.encoder) == len(vocab) == 512 + len(merges) + 2, "vocabulary entries must be unique"

    def bpe(self, word):
        parts = symbols(word)
        while len(parts) > 1:
            ranked = [(self.ranks[p], p) for p in zip(parts, parts[1:]) if p in self.ranks]
            if not ranked:
                break
            _, (a, b) = min(ranked)
            parts = merge_pair(parts, a, b)
        return [self.encoder[p] for p in parts]

    def encode(self, prompt):
        """77 ids: start, the prompt's tokens (at most 75), end, then end as padding (SD 1.x pads with end)."""
        ids = [t for w in words(prompt) for t in self.bpe(w)][:SEQ - 2]
        ids = [self.encoder[START]] + ids + [self.encoder[END]]
        return ids + [self.encoder[END]] * (SEQ - len(ids))


def write_tokenizer(tok, folder):
    folder.mkdir(parents=True)
    with open(folder / "vocab.json", "w", encoding="utf-8") as f:
        json.dump(tok.encoder, f, ensure_ascii=False)
    with open(folder / "merges.txt", "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in tok.merges:
            f.write(f"{a} {b}\n")
    specials = {"bos_token": START, "eos_token": END, "pad_token": END, "unk_token": END}
    write_json(folder / "special_tokens_map.json", specials)
    write_json(folder / "tokenizer_config.json", dict(
        specials, add_prefix_space=False, do_lower_case=True, errors="replace", model_max_length=SEQ,
        tokenizer_class="CLIPTokenizer"))


# ---------------------------------------------------------------------------------------------------------------------
# Layers


def group_norm(channels, eps=1e-5):
    return nn.GroupNorm(GROUPS, channels, eps=eps)


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    """Multi-head scaled dot-product attention over [batch, tokens, width]; keys and values from a context if given."""

    def __init__(self, width, heads, context_width=None, bias=False):
        super().__init__()
        self.heads = heads
        self.scale = (width // heads) ** -0.5
        self.to_q = nn.Linear(width, width, bias=bias)
        self.to_k = nn.Linear(context_width or width, width, bias=bias)
        self.to_v = nn.Linear(context_width or width, width, bias=bias)
        self.to_out = nn.Linear(width, width)

    def split(self, t):
        return t.reshape(t.shape[0], t.shape[1], self.heads, -1).transpose(1, 2)

    def forward(self, x, context=None, mask=None):
        context = x if context is None else context
        q = self.split(self.to_q(x) * self.scale)
        k = self.split(self.to_k(context))
        v = self.split(self.to_v(context))
        weights = torch.matmul(q, k.transpose(-1, -2))
        if mask is not None:
            weights = weights + mask
        out = torch.matmul(weights.softmax(dim=-1), v)
        return self.to_out(out.transpose(1, 2).reshape(x.shape[0], x.shape[1], -1))


class ResBlock(nn.Module):
    """GroupNorm, SiLU, 3x3 conv (+ the time embedding's projection), GroupNorm, SiLU, 3x3 conv, residual."""

    def __init__(self, cin, cout, time_dim=None):
        super().__init__()
        self.norm1 = group_norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_proj = nn.Linear(time_dim, cout) if time_dim else None
        self.norm2 = group_norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if temb is not None:
            h = h + self.time_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.shortcut is None else self.shortcut(x)) + h


def to_tokens(x):
    return x.reshape(x.shape[0], x.shape[1], -1).transpose(1, 2)


def to_image(tokens, like):
    return tokens.transpose(1, 2).reshape(like.shape)


class SpatialTransformer(nn.Module):
    """SD's transformer over the pixels: self-attention, cross-attention over the text, GEGLU feed-forward."""

    def __init__(self, channels, context_width):
        super().__init__()
        heads = channels // UNET_HEAD_DIM
        self.norm = group_norm(channels, eps=1e-6)
        self.proj_in = nn.Conv2d(channels, channels, 1)
        self.norm1 = nn.LayerNorm(channels)
        self.attn1 = Attention(channels, heads)
        self.norm2 = nn.LayerNorm(channels)
        self.attn2 = Attention(channels, heads, context_width)
        self.norm3 = nn.LayerNorm(channels)
        self.geglu = nn.Linear(channels, 2 * 4 * channels)
        self.ff_out = nn.Linear(4 * channels, channels)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x, context):
        h = self.proj_in(self.norm(x))
        t = to_tokens(h)
        t = t + self.attn1(self.norm1(t))
        t = t + self.attn2(self.norm2(t), context)
        value, gate = self.geglu(self.norm3(t)).chunk(2, dim=-1)
        t = t + self.ff_out(value * F.gelu(gate))
        return x + self.proj_out(to_image(t, h))


class VaeAttention(nn.Module):
    """The VAE's single-head self-attention over the pixels, with 1x1 convolutions for q, k, v and the output."""

    def __init__(self, channels):
        super().__init__()
        self.norm = group_norm(channels, eps=1e-6)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)
        self.scale = channels ** -0.5

    def forward(self, x):
        h = self.norm(x)
        q = to_tokens(self.q(h)) * self.scale
        k = self.k(h).reshape(x.shape[0], x.shape[1], -1)
        v = to_tokens(self.v(h))
        out = torch.matmul(torch.matmul(q, k).softmax(dim=-1), v)
        return x + self.proj_out(to_image(out, x))


class Upsample(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)

    def forward(self, x, size=None):
        """Nearest 2x, or to a given size (the UNet's skip connection's, so odd latent sizes work too)."""
        if size is None:
            return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return self.conv(F.interpolate(x, size=size, mode="nearest"))


# ---------------------------------------------------------------------------------------------------------------------
# Models


class ClipLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(TEXT_WIDTH)
        self.attn = Attention(TEXT_WIDTH, TEXT_HEADS, bias=True)
        self.norm2 = nn.LayerNorm(TEXT_WIDTH)
        self.fc1 = nn.Linear(TEXT_WIDTH, TEXT_MLP)
        self.fc2 = nn.Linear(TEXT_MLP, TEXT_WIDTH)

    def forward(self, x, mask):
        x = x + self.attn(self.norm1(x), mask=mask)
        return x + self.fc2(quick_gelu(self.fc1(self.norm2(x))))


class TextEncoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, TEXT_WIDTH)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.position_embedding = nn.Parameter(torch.randn(SEQ, TEXT_WIDTH) * 0.01)
        self.layers = nn.ModuleList(ClipLayer() for _ in range(TEXT_LAYERS))
        self.final_norm = nn.LayerNorm(TEXT_WIDTH)
        self.register_buffer("causal_mask", torch.full((SEQ, SEQ), -1e9).triu(1))

    def forward(self, input_ids):
        h = self.token_embedding(input_ids.long()) + self.position_embedding
        for layer in self.layers:
            h = layer(h, self.causal_mask)
        h = self.final_norm(h)
        # CLIP's pooled output: the hidden state where the end token is, the largest id, its first place.
        end = input_ids.argmax(dim=-1)
        pooled = torch.gather(h, 1, end.reshape(-1, 1, 1).expand(-1, 1, TEXT_WIDTH)).reshape(-1, TEXT_WIDTH)
        return h, pooled


def timestep_embedding(t, dim):
    """SD's sinusoidal embedding with flip_sin_to_cos and no frequency shift: [cos(t f), sin(t f)]."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(10000.0) / half))
    angles = t.reshape(-1, 1) * freqs.reshape(1, -1)
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        c0, c1 = UNET_CHANNELS
        self.time_linear1 = nn.Linear(c0, TIME_DIM)
        self.time_linear2 = nn.Linear(TIME_DIM, TIME_DIM)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c0, 3, padding=1)
        self.down_res = ResBlock(c0, c0, TIME_DIM)
        self.down_attn = SpatialTransformer(c0, TEXT_WIDTH)
        self.downsample = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.mid_res1 = ResBlock(c0, c1, TIME_DIM)
        self.mid_attn = SpatialTransformer(c1, TEXT_WIDTH)
        self.mid_res2 = ResBlock(c1, c1, TIME_DIM)
        self.upsample = Upsample(c1, c1)
        self.up_res = ResBlock(c1 + c0, c0, TIME_DIM)
        self.up_attn = SpatialTransformer(c0, TEXT_WIDTH)
        self.norm_out = group_norm(c0)
        self.conv_out = nn.Conv2d(c0, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        ctx = encoder_hidden_states
        temb = self.time_linear2(F.silu(self.time_linear1(timestep_embedding(timestep, UNET_CHANNELS[0]))))
        h = self.conv_in(sample)
        skip = self.down_attn(self.down_res(h, temb), ctx)
        h = self.downsample(skip)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, temb), ctx), temb)
        h = torch.cat([self.upsample(h, skip.shape[-2:]), skip], dim=1)
        h = self.up_attn(self.up_res(h, temb), ctx)
        return self.conv_out(F.silu(self.norm_out(h)))


class VaeDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = VAE_CHANNELS
        self.post_quant_conv = nn.Conv2d(LATENT_CHANNELS, LATENT_CHANNELS, 1)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c, 3, padding=1)
        self.res = ResBlock(c, c)
        self.attn = VaeAttention(c)
        self.up = nn.ModuleList(Upsample(c, c) for _ in range(3))
        self.norm_out = group_norm(c)
        self.conv_out = nn.Conv2d(c, 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.attn(self.res(self.conv_in(self.post_quant_conv(latent_sample))))
        for up in self.up:
            h = up(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class VaeEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = VAE_CHANNELS
        self.conv_in = nn.Conv2d(3, c, 3, padding=1)
        self.res = nn.ModuleList(ResBlock(c, c) for _ in range(3))
        self.down = nn.ModuleList(nn.Conv2d(c, c, 3, stride=2, padding=1) for _ in range(3))
        self.attn = VaeAttention(c)
        self.norm_out = group_norm(c)
        self.conv_out = nn.Conv2d(c, 2 * LATENT_CHANNELS, 3, padding=1)
        self.quant_conv = nn.Conv2d(2 * LATENT_CHANNELS, 2 * LATENT_CHANNELS, 1)

    def forward(self, sample):
        h = self.conv_in(sample)
        for res, down in zip(self.res, self.down):
            h = down(res(h))
        moments = self.quant_conv(self.conv_out(F.silu(self.norm_out(self.attn(h)))))
        return moments[:, :LATENT_CHANNELS]  # the mean; the log-variance is dropped, so encoding is deterministic


# ---------------------------------------------------------------------------------------------------------------------
# Export and checks

FLOAT, INT32 = onnx.TensorProto.FLOAT, onnx.TensorProto.INT32
TYPE_NAMES = {FLOAT: "float32", INT32: "int32"}

# name, element type, dims (a str is a dynamic axis) for each model's inputs and outputs, in order.
CONTRACT = {
    "text_encoder": (
        [("input_ids", INT32, ["batch", SEQ])],
        [("last_hidden_state", FLOAT, ["batch", SEQ, TEXT_WIDTH]), ("pooler_output", FLOAT, ["batch", TEXT_WIDTH])]),
    "unet": (
        [("sample", FLOAT, ["batch", LATENT_CHANNELS, "height", "width"]), ("timestep", FLOAT, [1]),
         ("encoder_hidden_states", FLOAT, ["batch", SEQ, TEXT_WIDTH])],
        [("out_sample", FLOAT, ["batch", LATENT_CHANNELS, "height", "width"])]),
    "vae_decoder": (
        [("latent_sample", FLOAT, ["batch", LATENT_CHANNELS, "height", "width"])],
        [("sample", FLOAT, ["batch", 3, "image_height", "image_width"])]),
    "vae_encoder": (
        [("sample", FLOAT, ["batch", 3, "image_height", "image_width"])],
        [("latent_sample", FLOAT, ["batch", LATENT_CHANNELS, "height", "width"])]),
}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def export(name, module, args, folder, external_weights=False):
    inputs, outputs = CONTRACT[name]
    dynamic = {n: {i: d for i, d in enumerate(dims) if isinstance(d, str)} for n, _, dims in inputs + outputs}
    options = dict(opset_version=OPSET, input_names=[n for n, _, _ in inputs], output_names=[n for n, _, _ in outputs],
                   dynamic_axes={n: axes for n, axes in dynamic.items() if axes}, do_constant_folding=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        options["dynamo"] = False  # torch 2.x: the TorchScript exporter, as with 1.13
    path = folder / "model.onnx"
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), **options)
    model = onnx.load(str(path))
    # The exporter leaves some fixed sizes of outputs as made-up names (pooler_output's width): write the numbers.
    for value, (_, _, dims) in zip(model.graph.output, outputs):
        for dim, want in zip(value.type.tensor_type.shape.dim, dims):
            if isinstance(want, int) and dim.HasField("dim_param"):
                dim.dim_value = want
    if external_weights:
        # As diffusers' export of a large UNet: every initializer in one file beside the graph.
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location="weights.pb", size_threshold=0, convert_attribute=False)
    else:
        onnx.save_model(model, str(path))
    onnx.checker.check_model(str(path))
    check_io(name, path)
    return path


def dims_of(value_info):
    return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in value_info.type.tensor_type.shape.dim]


def check_io(name, path):
    graph = onnx.load(str(path), load_external_data=False).graph
    initializers = {t.name for t in graph.initializer}
    actual = ([(v.name, v.type.tensor_type.elem_type, dims_of(v)) for v in graph.input if v.name not in initializers],
              [(v.name, v.type.tensor_type.elem_type, dims_of(v)) for v in graph.output])
    expected = tuple([(n, t, list(d)) for n, t, d in part] for part in CONTRACT[name])
    if actual != expected:
        raise SystemExit(f"{name}: inputs/outputs {actual}, expected {expected}")
    kinds = sorted({n.op_type for n in graph.node})
    print(f"  {path.relative_to(path.parents[1])}: opset {OPSET}, {len(graph.node)} nodes: {' '.join(kinds)}")
    for direction, part in zip(("in ", "out"), actual):
        for n, t, d in part:
            print(f"    {direction} {n}: {TYPE_NAMES[t]} {d}")


def stats(label, t):
    t = t.detach().double()
    inside = (t.abs() <= 1).double().mean().item()
    print(f"    {label}: shape {list(t.shape)} mean {t.mean().item():+.4f} std {t.std().item():.4f} "
          f"min {t.min().item():+.4f} max {t.max().item():+.4f} within [-1,1] {100 * inside:.1f}%")


def calibrate(last_layer, run, target):
    """Sets the last layer (a convolution, linear in its input) so that on a fixed input each output channel has
    mean 0 and the output's standard deviation is the target. The output may be the layer's first channels only (the
    VAE encoder's mean). Returns the standard deviation before."""
    with torch.no_grad():
        out = run()
        n = out.shape[1]
        mean = out.mean(dim=(0, 2, 3))
        std = (out - mean.reshape(1, -1, 1, 1)).std().item()
        last_layer.weight[:n] *= target / std
        last_layer.bias[:n] = (last_layer.bias[:n] - mean) * (target / std)
    return std


def formula(shape, amplitude=1.0, phase=0.17):
    """Inputs anyone can rebuild: x[i] = amplitude * sin(0.731 * i + phase), i the row-major index, in double,
    rounded to float32."""
    n = math.prod(shape)
    return (torch.sin(torch.arange(n, dtype=torch.float64) * 0.731 + phase) * amplitude).float().reshape(shape)


def summary(t, head=16):
    flat = t.detach().reshape(-1).double()
    return {"shape": list(t.shape), "mean": flat.mean().item(), "std": flat.std().item(),
            "abs_sum": flat.abs().sum().item(), "first": [round(v, 6) for v in flat[:head].tolist()]}


def write_readme(out, vocab_size, start_id, end_id):
    def dims(d):
        return "[" + ", ".join(str(x) for x in d) + "]"

    rows = []
    for name, (inputs, outputs) in CONTRACT.items():
        io = "; ".join(f"{n} {TYPE_NAMES[t]} {dims(d)}" for n, t, d in inputs)
        io += " -> " + "; ".join(f"{n} {TYPE_NAMES[t]} {dims(d)}" for n, t, d in outputs)
        rows.append(f"| `{name}/model.onnx` | {io} |")
    text = f"""# tiny-sd: a random-weight Stable Diffusion 1.x pipeline for tests

Not a model: every weight is random, so images made with it are noise-like. It has Stable Diffusion 1.x's layout as
diffusers exports it for ONNX Runtime (`model_index.json`, `OnnxStableDiffusionPipeline`), its models' input and
output names, element types and ranks, and the same kinds of layers and operators at a tiny size (text width
{TEXT_WIDTH}, UNet channels {UNET_CHANNELS[0]} and {UNET_CHANNELS[1]}, VAE channels {VAE_CHANNELS}), so that a
pipeline can be tested end to end in seconds.

Made by `/usr/bin/python3 releng/diffusion/make_tiny_sd.py` (torch {torch.__version__}, onnx {onnx.__version__}, the
TorchScript exporter at opset {OPSET}); rerun it to regenerate this folder, which it does identically on the same
torch version. Fixed seeds; the last layer of each network is then set on a fixed input so that outputs are centred
and of sensible size: the UNet's noise prediction has a standard deviation of about 1, the VAE decoder's image about
0.4 (mostly within [-1, 1]), the VAE encoder's latent about 1/{SCALING_FACTOR} (the mean only: no sampling).

| model | inputs -> outputs (a name is a dynamic axis) |
| --- | --- |
{chr(10).join(rows)}

`timestep` is one float for the whole batch, as in diffusers' export. The UNet's weights are in `unet/weights.pb`
(ONNX external data, one file), so load it from its path. Any latent height and width work: the UNet's upsampling
goes to the size of its skip connection, as diffusers' UNet does for sizes its halvings do not divide.

The tokenizer is CLIP's byte-level BPE with {NUM_MERGES} merges learned from a few English prompts in the script:
{vocab_size} tokens, `{START}` {start_id}, `{END}` {end_id}, padded with `{END}` to {SEQ}. `scheduler/` is SD 1.5's
PNDM configuration; `vae_decoder/config.json` has SD's latent `scaling_factor` {SCALING_FACTOR}.

`reference.json` has the torch modules' outputs for inputs given by a formula, and token ids of a few prompts, for
checking a runtime against torch.
"""
    (out / "README.md").write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    out = parser.parse_args().out.resolve()
    torch.set_num_threads(1)  # the same reductions, so the same calibration, on any machine
    print(f"torch {torch.__version__}, onnx {onnx.__version__}; writing {out}")
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("text_encoder", "unet", "vae_decoder", "vae_encoder", "tokenizer", "scheduler"):
        shutil.rmtree(out / sub, ignore_errors=True)  # onnx appends to an existing weights.pb: start clean
        if sub != "tokenizer":
            (out / sub).mkdir()

    # Pipeline and scheduler configuration
    onnx_model = ["diffusers", "OnnxRuntimeModel"]
    write_json(out / "model_index.json", {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.30.0",
        "text_encoder": onnx_model, "unet": onnx_model, "vae_decoder": onnx_model, "vae_encoder": onnx_model,
        "tokenizer": ["transformers", "CLIPTokenizer"], "scheduler": ["diffusers", "PNDMScheduler"],
        "safety_checker": None, "feature_extractor": None, "requires_safety_checker": False})
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
        "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
        "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
        "clip_sample": False})

    # Tokenizer
    tok = Tokenizer(learn_merges(CORPUS, NUM_MERGES))
    write_tokenizer(tok, out / "tokenizer")
    vocab_size = len(tok.encoder)
    start_id, end_id = tok.encoder[START], tok.encoder[END]
    prompt = "a photograph of an astronaut riding a horse"
    prompt_ids = tok.encode(prompt)
    print(f"tokenizer: {len(tok.merges)} merges, vocabulary {vocab_size}, {START} {start_id}, {END} {end_id}")
    print(f"  '{prompt}' -> {prompt_ids[:prompt_ids.index(end_id) + 1]}")
    reference = {
        "note": "Outputs of the torch modules for inputs anyone can rebuild. An input given as {formula: shape, "
                "amplitude: a, phase: p} is x[i] = a * sin(0.731 * i + p), i its row-major index, computed in double "
                "and rounded to float32. Each output: shape, mean, std, sum of absolute values, first values.",
        "tokenizer": {"vocab_size": vocab_size, "startoftext": start_id, "endoftext": end_id,
                      "examples": {p: tok.encode(p) for p in (prompt, "", "A Red Fox, in the snow! 42")}},
    }

    # Text encoder
    print("text_encoder")
    torch.manual_seed(1)
    text = TextEncoder(vocab_size).eval()
    write_json(out / "text_encoder" / "config.json", {
        "architectures": ["CLIPTextModel"], "hidden_size": TEXT_WIDTH, "intermediate_size": TEXT_MLP,
        "num_attention_heads": TEXT_HEADS, "num_hidden_layers": TEXT_LAYERS, "max_position_embeddings": SEQ,
        "vocab_size": vocab_size, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
        "bos_token_id": start_id, "eos_token_id": end_id, "pad_token_id": end_id})
    ids = torch.tensor([prompt_ids, tok.encode("")], dtype=torch.int32)
    export("text_encoder", text, (ids,), out / "text_encoder")
    with torch.no_grad():
        hidden, pooled = text(ids)
    stats("last_hidden_state ['" + prompt + "', '']", hidden)
    stats("pooler_output", pooled)
    reference["text_encoder"] = {"inputs": {"input_ids": ids.tolist()},
                                 "outputs": {"last_hidden_state": summary(hidden), "pooler_output": summary(pooled)}}

    # UNet
    print("unet")
    torch.manual_seed(2)
    unet = UNet().eval()
    gen = torch.Generator().manual_seed(100)
    cal_sample = torch.randn(2, LATENT_CHANNELS, 8, 8, generator=gen)
    cal_context = torch.randn(2, SEQ, TEXT_WIDTH, generator=gen)
    before = calibrate(unet.conv_out, lambda: unet(cal_sample, torch.tensor([500.0]), cal_context), 1.0)
    print(f"    calibration: conv_out scaled by {1.0 / before:.3f} (output std {before:.4f} -> 1)")
    channels = list(UNET_CHANNELS)
    write_json(out / "unet" / "config.json", {
        "_class_name": "UNet2DConditionModel", "in_channels": LATENT_CHANNELS, "out_channels": LATENT_CHANNELS,
        "block_out_channels": channels, "layers_per_block": 1, "attention_head_dim": UNET_HEAD_DIM,
        "cross_attention_dim": TEXT_WIDTH, "norm_num_groups": GROUPS, "norm_eps": 1e-5, "flip_sin_to_cos": True,
        "freq_shift": 0, "time_embedding_dim": TIME_DIM, "sample_size": 8,
        "down_block_types": ["CrossAttnDownBlock2D"], "mid_block_type": "UNetMidBlock2DCrossAttn",
        "up_block_types": ["CrossAttnUpBlock2D"]})
    export("unet", unet, (cal_sample, torch.tensor([500.0]), cal_context), out / "unet", external_weights=True)
    with torch.no_grad():
        for (h, w), t in (((8, 8), 999.0), ((8, 8), 500.0), ((8, 8), 1.0), ((8, 12), 500.0), ((12, 8), 250.0),
                          ((9, 9), 500.0)):
            g = torch.Generator().manual_seed(200 + h + int(t))
            sample = torch.randn(2, LATENT_CHANNELS, h, w, generator=g)
            context = torch.cat([hidden[:1], hidden[1:]])  # prompt and empty prompt, as classifier-free guidance
            stats(f"out_sample, unit-normal sample {h}x{w}, t={t:g}", unet(sample, torch.tensor([t]), context))
        sample = formula([2, LATENT_CHANNELS, 8, 12])
        context = formula([2, SEQ, TEXT_WIDTH], phase=0.5)
        ref = unet(sample, torch.tensor([500.0]), context)
    reference["unet"] = {
        "inputs": {"sample": {"formula": [2, LATENT_CHANNELS, 8, 12], "amplitude": 1.0, "phase": 0.17},
                   "timestep": [500.0],
                   "encoder_hidden_states": {"formula": [2, SEQ, TEXT_WIDTH], "amplitude": 1.0, "phase": 0.5}},
        "outputs": {"out_sample": summary(ref)}}

    # VAE decoder
    print("vae_decoder")
    torch.manual_seed(3)
    decoder = VaeDecoder().eval()
    cal_latent = torch.randn(1, LATENT_CHANNELS, 8, 8, generator=torch.Generator().manual_seed(101)) / SCALING_FACTOR
    before = calibrate(decoder.conv_out, lambda: decoder(cal_latent), 0.4)
    print(f"    calibration: conv_out scaled by {0.4 / before:.3f} (output std {before:.4f} -> 0.4)")
    write_json(out / "vae_decoder" / "config.json", {
        "scaling_factor": SCALING_FACTOR, "latent_channels": LATENT_CHANNELS, "out_channels": 3,
        "block_out_channels": [VAE_CHANNELS] * 4, "norm_num_groups": GROUPS})
    export("vae_decoder", decoder, (cal_latent,), out / "vae_decoder")
    with torch.no_grad():
        for h, w in ((8, 8), (8, 12)):
            latent = torch.randn(1, LATENT_CHANNELS, h, w, generator=torch.Generator().manual_seed(300 + w))
            stats(f"sample, latent N(0,1)/{SCALING_FACTOR} {h}x{w}", decoder(latent / SCALING_FACTOR))
        ref = decoder(formula([1, LATENT_CHANNELS, 8, 12], amplitude=3.0))
    reference["vae_decoder"] = {
        "inputs": {"latent_sample": {"formula": [1, LATENT_CHANNELS, 8, 12], "amplitude": 3.0, "phase": 0.17}},
        "outputs": {"sample": summary(ref)}}

    # VAE encoder
    print("vae_encoder")
    torch.manual_seed(4)
    encoder = VaeEncoder().eval()
    cal_image = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(102)) * 2 - 1
    target = 1 / SCALING_FACTOR
    before = calibrate(encoder.quant_conv, lambda: encoder(cal_image), target)
    print(f"    calibration: quant_conv scaled by {target / before:.3f} (latent std {before:.4f} -> {target:.3f})")
    write_json(out / "vae_encoder" / "config.json", {
        "scaling_factor": SCALING_FACTOR, "latent_channels": LATENT_CHANNELS, "in_channels": 3,
        "block_out_channels": [VAE_CHANNELS] * 4, "norm_num_groups": GROUPS})
    export("vae_encoder", encoder, (cal_image,), out / "vae_encoder")
    with torch.no_grad():
        for h, w in ((64, 64), (64, 96)):
            image = torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(400 + w)) * 2 - 1
            stats(f"latent_sample, uniform [-1,1] image {h}x{w}", encoder(image))
        ref = encoder(formula([1, 3, 64, 96]))
        stats("round trip: decoder(encoder(image)) 64x96", decoder(encoder(image)))
    reference["vae_encoder"] = {
        "inputs": {"sample": {"formula": [1, 3, 64, 96], "amplitude": 1.0, "phase": 0.17}},
        "outputs": {"latent_sample": summary(ref)}}

    write_json(out / "reference.json", reference)
    write_readme(out, vocab_size, start_id, end_id)
    total = 0
    print("files")
    for f in sorted(p for p in out.rglob("*") if p.is_file()):
        total += f.stat().st_size
        print(f"  {f.stat().st_size:>9}  {f.relative_to(out)}")
    print(f"  {total:>9}  in all")


if __name__ == "__main__":
    main()
