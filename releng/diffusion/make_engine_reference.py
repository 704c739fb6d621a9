"""Reference outputs of diffusers for Atelier's native Stable Diffusion engine (issue 15), on reduced SD 1.x, SD 2.x and SDXL.

Each checkpoint is an ldm single file (A1111's key layout; SDXL's sgm one) of the real architecture at reduced size, its
weights given by a formula of each ldm key and element index that dev.atelier.testing.checkpoints.FormulaWeights
computes bit for bit, so the tests write the same file instead of committing it (the token embedding alone, 49408
rows, would be megabytes). diffusers' own ldm converters (single_file_utils) map it onto UNet2DConditionModel,
AutoencoderKL and transformers' CLIPTextModel / CLIPTextModelWithProjection, loaded strictly, so the key layout is
checked by diffusers itself.

Writes, beside small raw little-endian float32 files (NCHW / [tokens][width] as torch holds them):
  SD 1.x  engine tests reference/: reference.json, text_hidden.f32, unet_sample.f32, unet_out.f32, vae_latent.f32,
          vae_image.f32, vae_encoder_image.f32 (pipeline.png in [-1, 1]), vae_moments.f32 (the encoder's mean and
          log-variance of it); diffusion tests fixture/engine-sd1/: pipeline.json, pipeline.png (a 20-step Euler image of
          StableDiffusionPipeline), img2img.png (StableDiffusionImg2ImgPipeline from pipeline.png)
  SD 2.x  reference/sd2/ (the same minus the VAE's, which are SD 1.x's: the same keys) and fixture/engine-sd2/: pipeline-eps.png and pipeline-v.png,
          StableDiffusionPipeline with the release scheduler as ε and as v-prediction (512-base and 768-v)
  SDXL    reference/sdxl/ (plus text_pooled.f32 and the UNet's time_ids) and fixture/engine-sdxl/pipeline.png,
          StableDiffusionXLPipeline (force_zeros_for_empty_prompt, "leading" timesteps)
  SD 1.x inpainting (9-channel UNet)  fixture/engine-sd1-inpaint/: mask.png, inpaint-1.0.png and inpaint-0.6.png,
          StableDiffusionInpaintPipeline repainting the mask's white box of engine-sd1/pipeline.png
SD 2.x and SDXL run diffusers' pipelines with CLIPTokenizers built from openai/CLIP's merges (ATELIER_TESTDATA/clip),
padded as their released tokenizers are ("!" for the OpenCLIP encoders), so the prompt's encoding is diffusers' own.
Prompt weighting (--what weighting): A1111's prompt syntax, chunking and emphasis, written out here from A1111's documented
rule (not its code), for a long weighted prompt: reference/[sd2/|sdxl/]weighted.json (each encoder's chunk ids, the
multipliers), text_weighted.f32 (every chunk's conditioning, emphasised per encoder, concatenated along the tokens; SDXL
also text_weighted_pooled.f32, the first chunk's) and diffusion tests fixture/prompt-chunks.json (the chunks of CLIP's
tokenizer for the Java tokenizer to match).
LoRA (--what lora): a kohya LoRA of formula values (lora.json names its keys, shapes and alphas; the Java tests write the
file with SafetensorsWriter) merged into the SD 1.x and SDXL files as W + weight·alpha/rank·up@down:
reference/[sdxl/]lora/merged_N.f32 (each merged layer, as the engine names it), text_hidden.f32, unet_out.f32 (SDXL also
text_pooled.f32) of the merged networks on the networks reference's inputs.
With --save DIR, the checkpoints themselves as DIR/tiny-FAMILY-f32.safetensors and -f16 (only those with
--checkpoint-only).

Run: PYTHONPATH=<diffusers>/src python3 releng/diffusion/make_engine_reference.py [--family sd1|sd1-inpaint|sd2|sdxl ...]  (torch,
transformers, safetensors, numpy, pillow; CPU). ATELIER_TESTDATA/clip/tokenizer-cases.jsonl gives the prompt's ids
(Hugging Face's CLIPTokenizer).
"""
import argparse
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import torch

# The reduced configurations, LdmLayout.Spec in the Java tests (FormulaWeights.SD1_REFERENCE, SD2_REFERENCE, SDXL_REFERENCE):
# kind, model channels, multipliers, res blocks, transformer depth per level and in the middle, text widths and layers.
SPECS = {
    "sd1": dict(kind="sd1", mc=32, mult=(1, 2, 2), res=2, depth=(1, 1, 0), mid=1, text=(128,), layers=(2,)),
    "sd2": dict(kind="sd2", mc=64, mult=(1, 2, 2), res=2, depth=(1, 1, 0), mid=1, text=(128,), layers=(3,)),
    "sdxl": dict(kind="sdxl", mc=64, mult=(1, 2, 2), res=2, depth=(0, 1, 2), mid=2, text=(64, 128), layers=(2, 3)),
    # SD 1.x's inpainting form: the UNet also takes the mask and the masked image's latent (4 + 1 + 4 channels)
    "sd1-inpaint": dict(kind="sd1", mc=32, mult=(1, 2, 2), res=2, depth=(1, 1, 0), mid=1, text=(128,), layers=(2,), inputs=9),
}
VOCAB = 49408
POSITIONS = 77
VAE_BASE = 32
VAE_MULT = (1, 2, 2, 2)
VAE_RES_BLOCKS = 1
LATENT = 4
TIME_ID_WIDTH = 256  # SDXL's addition_time_embed_dim: six size/crop values each as a 256-wide sinusoid

SEED = 1234
IMG2IMG_SEED = 99
STRENGTH = 0.6
CFG = 7.5
STEPS = 20
SIZE = 64
UNET_TIMESTEP = 500.0
PROMPT_LINE = 0  # of tokenizer-cases.jsonl
END = 49407


def context_width(spec):
    return sum(spec["text"])


def adm_width(spec):
    return spec["text"][1] + 6 * TIME_ID_WIDTH if spec["kind"] == "sdxl" else 0


def ldm_shapes(spec):
    """Every ldm key of the spec's single file and its shape, as LdmLayout writes them."""
    s = {}
    kind = spec["kind"]

    def conv(p, o, i, k):
        s[p + ".weight"] = (o, i, k, k)
        s[p + ".bias"] = (o,)

    def linear(p, o, i):
        s[p + ".weight"] = (o, i)
        s[p + ".bias"] = (o,)

    def norm(p, c):
        s[p + ".weight"] = (c,)
        s[p + ".bias"] = (c,)

    def res(p, i, o, temb):
        norm(p + ".in_layers.0", i)
        conv(p + ".in_layers.2", o, i, 3)
        linear(p + ".emb_layers.1", o, temb)
        norm(p + ".out_layers.0", o)
        conv(p + ".out_layers.3", o, o, 3)
        if i != o:
            conv(p + ".skip_connection", o, i, 1)

    def projection(p, ch):
        if kind == "sd1":
            conv(p, ch, ch, 1)
        else:
            linear(p, ch, ch)

    def transformer(p, ch, depth):
        norm(p + ".norm", ch)
        projection(p + ".proj_in", ch)
        for k in range(depth):
            b = f"{p}.transformer_blocks.{k}."
            for attn in ("attn1", "attn2"):
                kv = ch if attn == "attn1" else context_width(spec)
                s[b + attn + ".to_q.weight"] = (ch, ch)
                s[b + attn + ".to_k.weight"] = (ch, kv)
                s[b + attn + ".to_v.weight"] = (ch, kv)
                linear(b + attn + ".to_out.0", ch, ch)
            linear(b + "ff.net.0.proj", 8 * ch, ch)
            linear(b + "ff.net.2", ch, 4 * ch)
            for n in (1, 2, 3):
                norm(f"{b}norm{n}", ch)
        projection(p + ".proj_out", ch)

    p = "model.diffusion_model."
    mc = spec["mc"]
    mult = spec["mult"]
    depth = spec["depth"]
    temb = 4 * mc
    linear(p + "time_embed.0", temb, mc)
    linear(p + "time_embed.2", temb, temb)
    if adm_width(spec):
        linear(p + "label_emb.0.0", temb, adm_width(spec))
        linear(p + "label_emb.0.2", temb, temb)
    conv(p + "input_blocks.0.0", mc, spec.get("inputs", LATENT), 3)
    chans = [mc]
    ch = mc
    block = 1
    for i, m in enumerate(mult):
        for _ in range(spec["res"]):
            out = mc * m
            res(f"{p}input_blocks.{block}.0", ch, out, temb)
            if depth[i] > 0:
                transformer(f"{p}input_blocks.{block}.1", out, depth[i])
            ch = out
            chans.append(ch)
            block += 1
        if i < len(mult) - 1:
            conv(f"{p}input_blocks.{block}.0.op", ch, ch, 3)
            chans.append(ch)
            block += 1
    res(p + "middle_block.0", ch, ch, temb)
    transformer(p + "middle_block.1", ch, spec["mid"])
    res(p + "middle_block.2", ch, ch, temb)
    block = 0
    for i in reversed(range(len(mult))):
        for j in range(spec["res"] + 1):
            out = mc * mult[i]
            res(f"{p}output_blocks.{block}.0", ch + chans.pop(), out, temb)
            part = 1
            if depth[i] > 0:
                transformer(f"{p}output_blocks.{block}.1", out, depth[i])
                part = 2
            ch = out
            if i > 0 and j == spec["res"]:
                conv(f"{p}output_blocks.{block}.{part}.conv", ch, ch, 3)
            block += 1
    norm(p + "out.0", mc)
    conv(p + "out.2", 4, mc, 3)

    def vae_res(p, i, o):
        norm(p + ".norm1", i)
        conv(p + ".conv1", o, i, 3)
        norm(p + ".norm2", o)
        conv(p + ".conv2", o, o, 3)
        if i != o:
            conv(p + ".nin_shortcut", o, i, 1)

    def vae_mid(p, c):
        vae_res(p + ".block_1", c, c)
        norm(p + ".attn_1.norm", c)
        for q in ("q", "k", "v", "proj_out"):
            conv(p + ".attn_1." + q, c, c, 1)
        vae_res(p + ".block_2", c, c)

    p = "first_stage_model."
    c0 = VAE_BASE
    ch = c0
    conv(p + "encoder.conv_in", c0, 3, 3)
    for i, m in enumerate(VAE_MULT):
        for j in range(VAE_RES_BLOCKS):
            vae_res(f"{p}encoder.down.{i}.block.{j}", ch, c0 * m)
            ch = c0 * m
        if i < len(VAE_MULT) - 1:
            conv(f"{p}encoder.down.{i}.downsample.conv", ch, ch, 3)
    vae_mid(p + "encoder.mid", ch)
    norm(p + "encoder.norm_out", ch)
    conv(p + "encoder.conv_out", 2 * LATENT, ch, 3)
    conv(p + "quant_conv", 2 * LATENT, 2 * LATENT, 1)
    conv(p + "post_quant_conv", LATENT, LATENT, 1)
    conv(p + "decoder.conv_in", ch, LATENT, 3)
    vae_mid(p + "decoder.mid", ch)
    for i in reversed(range(len(VAE_MULT))):
        for j in range(VAE_RES_BLOCKS + 1):
            vae_res(f"{p}decoder.up.{i}.block.{j}", ch, c0 * VAE_MULT[i])
            ch = c0 * VAE_MULT[i]
        if i > 0:
            conv(f"{p}decoder.up.{i}.upsample.conv", ch, ch, 3)
    norm(p + "decoder.norm_out", ch)
    conv(p + "decoder.conv_out", 3, ch, 3)

    def clip(p, d, layers):
        s[p + "embeddings.token_embedding.weight"] = (VOCAB, d)
        s[p + "embeddings.position_embedding.weight"] = (POSITIONS, d)
        for l in range(layers):
            layer = f"{p}encoder.layers.{l}."
            for proj in ("k_proj", "v_proj", "q_proj", "out_proj"):
                linear(layer + "self_attn." + proj, d, d)
            norm(layer + "layer_norm1", d)
            linear(layer + "mlp.fc1", 4 * d, d)
            linear(layer + "mlp.fc2", d, 4 * d)
            norm(layer + "layer_norm2", d)
        norm(p + "final_layer_norm", d)

    def open_clip(p, d, layers):
        s[p + "positional_embedding"] = (POSITIONS, d)
        s[p + "text_projection"] = (d, d)
        s[p + "token_embedding.weight"] = (VOCAB, d)
        s[p + "logit_scale"] = ()
        for l in range(layers):
            r = f"{p}transformer.resblocks.{l}."
            s[r + "attn.in_proj_weight"] = (3 * d, d)
            s[r + "attn.in_proj_bias"] = (3 * d,)
            linear(r + "attn.out_proj", d, d)
            norm(r + "ln_1", d)
            norm(r + "ln_2", d)
            linear(r + "mlp.c_fc", 4 * d, d)
            linear(r + "mlp.c_proj", d, 4 * d)
        norm(p + "ln_final", d)

    if kind == "sd1":
        clip("cond_stage_model.transformer.text_model.", spec["text"][0], spec["layers"][0])
    elif kind == "sd2":
        open_clip("cond_stage_model.model.", spec["text"][0], spec["layers"][0])
    else:
        clip("conditioner.embedders.0.transformer.text_model.", spec["text"][0], spec["layers"][0])
        open_clip("conditioner.embedders.1.model.", spec["text"][1], spec["layers"][1])
    return s


M32 = np.uint64(0xFFFFFFFF)


def fnv1a(name):
    h = 0x811C9DC5
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def formula(name, shape):
    """FormulaWeights.values: murmur3's finaliser of (fnv1a(name) ^ index·golden) as u in [-1, 1), then per kind:
    1-D .weight (a norm's scale) 1 + u/10, 1-D .bias u/10, a matrix or kernel u·sqrt(3 / fan-in)."""
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.uint64)
    h = (np.uint64(fnv1a(name)) ^ ((i * np.uint64(0x9E3779B1)) & M32)) & M32
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & M32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & M32
    h ^= h >> np.uint64(16)
    u = h.astype(np.float64) / 4294967296.0 * 2 - 1
    if len(shape) == 1:
        v = 1 + u / 10 if name.endswith(".weight") else u / 10
    else:
        v = u * math.sqrt(3.0 / int(np.prod(shape[1:])))
    return v.astype(np.float32).reshape(shape)


def clip_state(model, converted):
    """Converted CLIP weights under the model's own names (transformers 5 names CLIPTextModel's modules without text_model.)."""
    state = {k: v for k, v in converted.items() if not k.endswith("position_ids")}
    if not any(k.startswith("text_model.") for k in model.state_dict()):
        state = {k.removeprefix("text_model."): v for k, v in state.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(k.endswith("position_ids") for k in missing), (missing, unexpected)
    return model.eval()


def text_config(width, layers, act, **ids):
    from transformers import CLIPTextConfig
    return CLIPTextConfig(vocab_size=VOCAB, hidden_size=width, intermediate_size=4 * width, num_hidden_layers=layers, num_attention_heads=width // 64,
                          max_position_embeddings=POSITIONS, hidden_act=act, **ids)


# the ids the released configurations name: openai/clip-vit-large-patch14 (SD 1.x, SDXL's first encoder); the OpenCLIP
# encoders' configs (SD 2.x's text_encoder, SDXL's text_encoder_2) keep eos_token_id 2, so transformers pools at the
# largest id, the end token
CLIP_IDS = dict(bos_token_id=49406, eos_token_id=49407, pad_token_id=49407)
OPEN_CLIP_IDS = dict(bos_token_id=0, eos_token_id=2, pad_token_id=1)


def models(spec, checkpoint):
    """diffusers' modules of the spec, loaded strictly from the ldm checkpoint through diffusers' own converters."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from diffusers.loaders.single_file_utils import convert_ldm_clip_checkpoint, convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint, \
        convert_open_clip_checkpoint
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    kind = spec["kind"]
    depth = spec["depth"]
    down = tuple("CrossAttnDownBlock2D" if d > 0 else "DownBlock2D" for d in depth)
    up = tuple("CrossAttnUpBlock2D" if d > 0 else "UpBlock2D" for d in reversed(depth))
    channels = tuple(spec["mc"] * m for m in spec["mult"])
    extra = {}
    if kind == "sd1":
        extra["attention_head_dim"] = 8
    else:
        # diffusers' SD 2.x/SDXL configs name the head count attention_head_dim: 64-wide heads
        extra["attention_head_dim"] = tuple(c // 64 for c in channels)
        extra["use_linear_projection"] = True
    if kind == "sdxl":
        # the middle block takes the last level's depth; a level without attention ignores its own
        extra.update(transformer_layers_per_block=tuple(max(d, 1) for d in depth), addition_embed_type="text_time",
                     addition_time_embed_dim=TIME_ID_WIDTH, projection_class_embeddings_input_dim=adm_width(spec))
        assert spec["mid"] == depth[-1]
    size = spec.get("size", SIZE)
    unet = UNet2DConditionModel(sample_size=size // 8, in_channels=spec.get("inputs", LATENT), out_channels=4, layers_per_block=spec["res"], block_out_channels=channels,
                                down_block_types=down, up_block_types=up, cross_attention_dim=context_width(spec), norm_num_groups=32, **extra)
    unet.load_state_dict(convert_ldm_unet_checkpoint(checkpoint, dict(unet.config)), strict=True)
    base, mult, blocks = spec.get("vae", (VAE_BASE, VAE_MULT, VAE_RES_BLOCKS))
    vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * len(mult),
                        up_block_types=("UpDecoderBlock2D",) * len(mult), block_out_channels=tuple(base * m for m in mult),
                        layers_per_block=blocks, latent_channels=LATENT, norm_num_groups=32, sample_size=size,
                        scaling_factor=0.13025 if kind == "sdxl" else 0.18215)
    vae.load_state_dict(convert_ldm_vae_checkpoint(checkpoint, dict(vae.config)), strict=True)
    widths, layers = spec["text"], spec["layers"]
    if kind == "sd1":
        return [clip_state(CLIPTextModel(text_config(widths[0], layers[0], "quick_gelu", **CLIP_IDS)), convert_ldm_clip_checkpoint(checkpoint))], unet.eval(), vae.eval()
    if kind == "sd2":
        # diffusers' SD 2.x text encoder has one layer fewer than the file (23 of 24): the converter drops the last
        # resblock (SD_2_TEXT_ENCODER_KEYS_TO_IGNORE names it for the full size; here it is removed by its index)
        prefix = "cond_stage_model.model."
        last = f"{prefix}transformer.resblocks.{layers[0] - 1}."
        kept = {k: v for k, v in checkpoint.items() if not k.startswith(last) and k != prefix + "text_projection"}
        model = CLIPTextModel(text_config(widths[0], layers[0] - 1, "gelu", **OPEN_CLIP_IDS))
        return [clip_state(model, convert_open_clip_checkpoint(model, kept, prefix=prefix))], unet.eval(), vae.eval()
    first = clip_state(CLIPTextModel(text_config(widths[0], layers[0], "quick_gelu", **CLIP_IDS)), convert_ldm_clip_checkpoint(checkpoint))
    second = CLIPTextModelWithProjection(text_config(widths[1], layers[1], "gelu", projection_dim=widths[1], **OPEN_CLIP_IDS))
    second = clip_state(second, convert_open_clip_checkpoint(second, checkpoint, prefix="conditioner.embedders.1.model."))
    return [first, second], unet.eval(), vae.eval()


def tokenizers(testdata, kind):
    """Hugging Face CLIPTokenizers from openai/CLIP's merges (the vocabulary CLIP builds from them): end-token padding for
    CLIP ViT-L, "!" for the OpenCLIP encoders, as the released tokenizer folders configure them."""
    import gzip
    import tempfile
    from transformers import CLIPTokenizer
    lines = gzip.open(Path(testdata, "clip", "bpe_simple_vocab_16e6.txt.gz"), "rt", encoding="utf-8").read().split("\n")[1:49152 - 256 - 2 + 1]
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    chars = [chr(c) for c in cs]
    vocab = chars + [c + "</w>" for c in chars] + ["".join(m.split()) for m in lines] + ["<|startoftext|>", "<|endoftext|>"]
    folder = Path(tempfile.mkdtemp())
    (folder / "vocab.json").write_text(json.dumps({v: i for i, v in enumerate(vocab)}))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(lines) + "\n")
    make = lambda pad: CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), pad_token=pad, model_max_length=POSITIONS)
    return {"sd1": [make("<|endoftext|>")], "sd2": [make("!")], "sdxl": [make("<|endoftext|>"), make("!")]}[kind]


def save(path, tensor):
    np.ascontiguousarray(tensor.detach().float().numpy(), dtype="<f4").tofile(path)


def write_checkpoint(name, checkpoint, folder):
    from safetensors.torch import save_file
    Path(folder).mkdir(parents=True, exist_ok=True)
    save_file(checkpoint, str(Path(folder) / f"tiny-{name}-f32.safetensors"))
    save_file({k: v.half() for k, v in checkpoint.items()}, str(Path(folder) / f"tiny-{name}-f16.safetensors"))


def release_scheduler(prediction, spacing=None):
    """The families' released scheduler_config.json as Euler takes it (SDXL's alone sets timestep_spacing)."""
    from diffusers import EulerDiscreteScheduler
    extra = {"timestep_spacing": spacing} if spacing else {}
    return EulerDiscreteScheduler(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1,
                                  prediction_type=prediction, trained_betas=None, **extra)


def sd1(root, args, checkpoint):
    [text], unet, vae = models(SPECS["sd1"], checkpoint)
    case = json.loads(Path(args.testdata, "clip", "tokenizer-cases.jsonl").read_text().splitlines()[PROMPT_LINE])
    ids = case["input_ids"]
    empty = [49406] + [49407] * 76
    refs = root / "bundles" / "dev.atelier.diffusion.engine.tests" / "reference"
    refs.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        hidden = text(torch.tensor([ids]))[0]
        uncond = text(torch.tensor([empty]))[0]
        save(refs / "text_hidden.f32", hidden[0])
        g = torch.Generator().manual_seed(SEED + 1)
        sample = torch.randn((1, 4, SIZE // 8, SIZE // 8), generator=g)
        save(refs / "unet_sample.f32", sample[0])
        save(refs / "unet_out.f32", unet(sample, torch.tensor(UNET_TIMESTEP), encoder_hidden_states=hidden).sample[0])
        g = torch.Generator().manual_seed(SEED + 2)
        latent = torch.randn((1, 4, SIZE // 8, SIZE // 8), generator=g)
        save(refs / "vae_latent.f32", latent[0])
        save(refs / "vae_image.f32", vae.decode(latent).sample[0])
    (refs / "reference.json").write_text(json.dumps({
        "made_by": "releng/diffusion/make_engine_reference.py", "diffusers": __import__("diffusers").__version__, "torch": torch.__version__,
        "prompt": case["prompt"], "input_ids": ids, "unet_timestep": UNET_TIMESTEP, "latent": [4, SIZE // 8, SIZE // 8], "image": [3, SIZE, SIZE],
    }, indent=1) + "\n")

    from diffusers import StableDiffusionPipeline
    # SD 1.x's release scheduler_config.json (v1-5), as a single file takes it
    scheduler = release_scheduler("epsilon")
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=None, unet=unet, scheduler=scheduler, safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    image = pipe(prompt_embeds=hidden, negative_prompt_embeds=uncond, height=SIZE, width=SIZE, num_inference_steps=STEPS, guidance_scale=CFG,
                 generator=torch.Generator().manual_seed(SEED), output_type="pil").images[0]
    fixture = root / "bundles" / "dev.atelier.diffusion.tests" / "fixture" / "engine-sd1"
    fixture.mkdir(parents=True, exist_ok=True)
    image.save(fixture / "pipeline.png")

    from PIL import Image
    init = Image.open(fixture / "pipeline.png").convert("RGB")
    with torch.no_grad():
        pixels = torch.from_numpy(np.asarray(init, dtype=np.float32) / 127.5 - 1).permute(2, 0, 1)[None]
        save(refs / "vae_encoder_image.f32", pixels[0])
        save(refs / "vae_moments.f32", vae.quant_conv(vae.encoder(pixels))[0])
    from diffusers import StableDiffusionImg2ImgPipeline
    img2img = StableDiffusionImg2ImgPipeline(vae=vae, text_encoder=text, tokenizer=None, unet=unet, scheduler=scheduler, safety_checker=None,
                                             feature_extractor=None, requires_safety_checker=False)
    img2img(prompt_embeds=hidden, negative_prompt_embeds=uncond, image=init, strength=STRENGTH, num_inference_steps=STEPS, guidance_scale=CFG,
            generator=torch.Generator().manual_seed(IMG2IMG_SEED), output_type="pil").images[0].save(fixture / "img2img.png")
    (fixture / "pipeline.json").write_text(json.dumps({
        "made_by": "releng/diffusion/make_engine_reference.py", "prompt": case["prompt"], "negative_prompt": "", "seed": SEED, "steps": STEPS,
        "cfg": CFG, "sampler": "euler", "width": SIZE, "height": SIZE, "img2img_seed": IMG2IMG_SEED, "strength": STRENGTH,
    }, indent=1) + "\n")
    print("wrote", refs, "and", fixture)


INPAINT_SEED = 77
# the area repainted (white) in the 64×64 mask: rows 8…39, columns 16…47, on the latent's 8-pixel grid
MASK_BOX = (16, 8, 48, 40)


def sd1_inpaint(root, args, checkpoint):
    """StableDiffusionInpaintPipeline on the reduced SD 1.x inpainting file, repainting a box of engine-sd1/pipeline.png:
    at strength 1 (pure noise, diffusers' default) and 0.6 (the image noised)."""
    from diffusers import StableDiffusionInpaintPipeline
    from PIL import Image, ImageDraw
    [text], unet, vae = models(SPECS["sd1-inpaint"], checkpoint)
    case = json.loads(Path(args.testdata, "clip", "tokenizer-cases.jsonl").read_text().splitlines()[PROMPT_LINE])
    with torch.no_grad():
        hidden = text(torch.tensor([case["input_ids"]]))[0]
        uncond = text(torch.tensor([[49406] + [49407] * 76]))[0]
    fixtures = root / "bundles" / "dev.atelier.diffusion.tests" / "fixture"
    fixture = fixtures / "engine-sd1-inpaint"
    fixture.mkdir(parents=True, exist_ok=True)
    mask = Image.new("RGB", (SIZE, SIZE))
    ImageDraw.Draw(mask).rectangle((MASK_BOX[0], MASK_BOX[1], MASK_BOX[2] - 1, MASK_BOX[3] - 1), fill=(255, 255, 255))
    mask.save(fixture / "mask.png")
    init = Image.open(fixtures / "engine-sd1" / "pipeline.png").convert("RGB")
    pipe = StableDiffusionInpaintPipeline(vae=vae, text_encoder=text, tokenizer=None, unet=unet, scheduler=release_scheduler("epsilon"),
                                          safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    images = {}
    for strength in (1.0, STRENGTH):
        file = f"inpaint-{strength}.png"
        pipe(prompt_embeds=hidden, negative_prompt_embeds=uncond, image=init, mask_image=mask, height=SIZE, width=SIZE, strength=strength,
             num_inference_steps=STEPS, guidance_scale=CFG, generator=torch.Generator().manual_seed(INPAINT_SEED), output_type="pil").images[0].save(fixture / file)
        images[str(strength)] = file
    (fixture / "pipeline.json").write_text(json.dumps({
        "made_by": "releng/diffusion/make_engine_reference.py", "prompt": case["prompt"], "negative_prompt": "", "seed": INPAINT_SEED, "steps": STEPS,
        "cfg": CFG, "sampler": "euler", "width": SIZE, "height": SIZE, "init": "../engine-sd1/pipeline.png", "mask": "mask.png", "images": images,
    }, indent=1) + "\n")
    print("wrote", fixture)


# SDXL's size conditioning in the UNet reference: original (height, width), crop (top, left), target (height, width),
# all different so that their order is checked
TIME_IDS = (96.0, 80.0, 8.0, 4.0, 64.0, 64.0)


def sd2_or_sdxl(root, args, name, checkpoint):
    """Reduced SD 2.x or SDXL: text encoder(s), UNet and VAE decoder outputs, and 20-step Euler images of diffusers'
    own pipelines (with tokenizers, so their padding and SDXL's zeroed empty negative prompt are diffusers' too)."""
    spec = SPECS[name]
    texts, unet, vae = models(spec, checkpoint)
    toks = tokenizers(args.testdata, name)
    case = json.loads(Path(args.testdata, "clip", "tokenizer-cases.jsonl").read_text().splitlines()[PROMPT_LINE])
    prompt = case["prompt"]
    ids = [t(prompt, padding="max_length", max_length=POSITIONS, truncation=True).input_ids for t in toks]
    assert ids[0][:ids[0].index(END) + 1] == case["input_ids"][:case["input_ids"].index(END) + 1], (ids[0], case["input_ids"])
    refs = root / "bundles" / "dev.atelier.diffusion.engine.tests" / "reference" / name
    refs.mkdir(parents=True, exist_ok=True)
    meta = {"made_by": "releng/diffusion/make_engine_reference.py", "diffusers": __import__("diffusers").__version__, "torch": torch.__version__,
            "prompt": prompt, "input_ids": ids, "unet_timestep": UNET_TIMESTEP, "latent": [4, SIZE // 8, SIZE // 8], "image": [3, SIZE, SIZE]}
    with torch.no_grad():
        if name == "sd2":
            hidden = texts[0](torch.tensor([ids[0]]))[0]  # last_hidden_state: the kept layers, then final_layer_norm
            added = {}
        else:
            # StableDiffusionXLPipeline.encode_prompt: each encoder's hidden_states[-2], side by side; the second's projected pool
            outs = [t(torch.tensor([i]), output_hidden_states=True) for t, i in zip(texts, ids)]
            hidden = torch.cat([o.hidden_states[-2] for o in outs], dim=-1)
            pooled = outs[1].text_embeds
            save(refs / "text_pooled.f32", pooled[0])
            added = {"added_cond_kwargs": {"text_embeds": pooled, "time_ids": torch.tensor([TIME_IDS])}}
            meta["time_ids"] = TIME_IDS
        save(refs / "text_hidden.f32", hidden[0])
        g = torch.Generator().manual_seed(SEED + 1)
        sample = torch.randn((1, 4, SIZE // 8, SIZE // 8), generator=g)
        save(refs / "unet_sample.f32", sample[0])
        save(refs / "unet_out.f32", unet(sample, torch.tensor(UNET_TIMESTEP), encoder_hidden_states=hidden, **added).sample[0])
        # the VAE's keys, and so its formula weights, are SD 1.x's: its outputs are reference/vae_*.f32
        g = torch.Generator().manual_seed(SEED + 2)
        latent = torch.randn((1, 4, SIZE // 8, SIZE // 8), generator=g)
        assert torch.equal(vae.decode(latent).sample[0], torch.from_numpy(np.fromfile(refs.parent / "vae_image.f32", "<f4").reshape(3, SIZE, SIZE)))
    (refs / "reference.json").write_text(json.dumps(meta, indent=1) + "\n")

    fixture = root / "bundles" / "dev.atelier.diffusion.tests" / "fixture" / f"engine-{name}"
    fixture.mkdir(parents=True, exist_ok=True)
    run = dict(prompt=prompt, height=SIZE, width=SIZE, num_inference_steps=STEPS, guidance_scale=CFG, output_type="pil")
    images = {}
    if name == "sd2":
        from diffusers import StableDiffusionPipeline
        # SD 2.x's two releases: 512-base (ε) and 768-v (v-prediction), schedulers otherwise alike
        for prediction, file in (("epsilon", "pipeline-eps.png"), ("v_prediction", "pipeline-v.png")):
            pipe = StableDiffusionPipeline(vae=vae, text_encoder=texts[0], tokenizer=toks[0], unet=unet, scheduler=release_scheduler(prediction),
                                           safety_checker=None, feature_extractor=None, requires_safety_checker=False)
            pipe(**run, generator=torch.Generator().manual_seed(SEED)).images[0].save(fixture / file)
            images[prediction] = file
    else:
        from diffusers import StableDiffusionXLPipeline
        pipe = StableDiffusionXLPipeline(vae=vae, text_encoder=texts[0], text_encoder_2=texts[1], tokenizer=toks[0], tokenizer_2=toks[1], unet=unet,
                                         scheduler=release_scheduler("epsilon", "leading"), force_zeros_for_empty_prompt=True, add_watermarker=False)
        pipe(**run, generator=torch.Generator().manual_seed(SEED)).images[0].save(fixture / "pipeline.png")
        images["epsilon"] = "pipeline.png"
    (fixture / "pipeline.json").write_text(json.dumps({
        "made_by": "releng/diffusion/make_engine_reference.py", "prompt": prompt, "negative_prompt": "", "seed": SEED, "steps": STEPS, "cfg": CFG,
        "sampler": "euler", "width": SIZE, "height": SIZE, "images": images,
    }, indent=1) + "\n")
    print("wrote", refs, "and", fixture)


# A1111's prompt syntax as its documentation describes it: (x) ×1.1, [x] ÷1.1, (x:w) ×w on the innermost open round
# bracket, \\( \\) \\[ \\] \\\\ literal, unclosed brackets closed at the end, BREAK (a word of its own) starting a new chunk
ATTENTION = re.compile(r"\\[()\[\]\\]|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()\[\]:]+|:")
BREAK = re.compile(r"\s*\bBREAK\b\s*", re.S)
CHUNK = 75
COMMA_BACKTRACK = 20  # A1111's default "comma padding backtrack"
WEIGHTED_PROMPT = ("a (photo:1.2) of a [fluffy] cat, ((sitting)) on a \\(wooden\\) table BREAK "
                   + "in a sunny garden with flowers, trees, birds and clouds, a river, mountains, " * 6 + "[[(highly detailed:0.8)]] (unclosed")


def parse_attention(text):
    pieces = []  # [text, weight, is_break]
    rounds, squares = [], []

    def multiply(start, factor):
        for p in pieces[start:]:
            p[1] *= factor

    for m in ATTENTION.finditer(text):
        t, w = m.group(0), m.group(1)
        if t.startswith("\\"):
            pieces.append([t[1:], 1.0, False])
        elif t == "(":
            rounds.append(len(pieces))
        elif t == "[":
            squares.append(len(pieces))
        elif w is not None and rounds:
            multiply(rounds.pop(), float(w))
        elif t == ")" and rounds:
            multiply(rounds.pop(), 1.1)
        elif t == "]" and squares:
            multiply(squares.pop(), 1 / 1.1)
        else:
            for i, part in enumerate(BREAK.split(t)):
                if i > 0:
                    pieces.append(["BREAK", -1.0, True])
                pieces.append([part, 1.0, False])
    for start in rounds:
        multiply(start, 1.1)
    for start in squares:
        multiply(start, 1 / 1.1)
    if not pieces:
        pieces = [["", 1.0, False]]
    merged = [pieces[0]]
    for p in pieces[1:]:
        if p[1] == merged[-1][1] and not p[2] and not merged[-1][2]:
            merged[-1][0] += p[0]
        else:
            merged.append(p)
    return merged


def prompt_chunks(tokenizer, prompt):
    """A1111's chunks of 75 tokens (+ start and end, end-padded) and their multipliers (1 at start, end and padding)."""
    comma = tokenizer.get_vocab()[",</w>"]
    chunks = []
    tokens, weights = [], []
    last_comma = -1

    def close():
        nonlocal tokens, weights, last_comma
        pad = CHUNK - len(tokens)
        chunks.append(([49406] + tokens + [END] * pad + [END], [1.0] + weights + [1.0] * pad + [1.0]))
        tokens, weights, last_comma = [], [], -1

    for text, weight, is_break in parse_attention(prompt):
        if is_break:
            close()
            continue
        for token in tokenizer(text, add_special_tokens=False, truncation=False).input_ids:
            if token == comma:
                last_comma = len(tokens)
            elif len(tokens) == CHUNK and last_comma != -1 and len(tokens) - last_comma <= COMMA_BACKTRACK:
                # the words after the last comma move on to the next chunk
                moved, moved_weights = tokens[last_comma + 1:], weights[last_comma + 1:]
                tokens, weights = tokens[:last_comma + 1], weights[:last_comma + 1]
                close()
                tokens, weights = moved, moved_weights
            if len(tokens) == CHUNK:
                close()
            tokens.append(token)
            weights.append(weight)
    if tokens or not chunks:
        close()
    return chunks


def repad(ids, pad_id):
    """The OpenCLIP encoders' padding: after the first end token, their pad id."""
    first = ids.index(END)
    return ids[:first + 1] + [pad_id] * (len(ids) - first - 1)


def emphasise(z, multipliers):
    """A1111's original emphasis: scale each token's states by its multiplier, then restore the chunk's mean."""
    mean = z.mean()
    z = z * multipliers.reshape(multipliers.shape + (1,)).expand(z.shape)
    return z * (mean / z.mean())


def weighting(root, args, name, checkpoint):
    spec = SPECS[name]
    texts, _, _ = models(spec, checkpoint)
    toks = tokenizers(args.testdata, name)
    chunks = prompt_chunks(toks[0], WEIGHTED_PROMPT)
    pads = [END if t.pad_token == "<|endoftext|>" else t.convert_tokens_to_ids(t.pad_token) for t in toks]
    per_encoder = [[ids if pad == END else repad(ids, pad) for ids, _ in chunks] for pad in pads]
    states, pooled = [], None
    with torch.no_grad():
        for c, (_, weights) in enumerate(chunks):
            multipliers = torch.tensor([weights], dtype=torch.float32)
            parts = []
            for e, text in enumerate(texts):
                ids = torch.tensor([per_encoder[e][c]])
                if name == "sdxl":
                    out = text(ids, output_hidden_states=True)
                    z = out.hidden_states[-2]
                    if e == 1 and c == 0:
                        pooled = out.text_embeds
                else:
                    z = text(ids)[0]
                parts.append(emphasise(z, multipliers))
            states.append(torch.cat(parts, dim=-1))
    refs = root / "bundles" / "dev.atelier.diffusion.engine.tests" / "reference" / ("" if name == "sd1" else name)
    save(refs / "text_weighted.f32", torch.cat(states, dim=1)[0])
    if pooled is not None:
        save(refs / "text_weighted_pooled.f32", pooled[0])
    (refs / "weighted.json").write_text(json.dumps({
        "made_by": "releng/diffusion/make_engine_reference.py --what weighting", "prompt": WEIGHTED_PROMPT, "input_ids": per_encoder,
        "multipliers": [w for _, w in chunks]}) + "\n")
    if name == "sd1":
        fixture = root / "bundles" / "dev.atelier.diffusion.tests" / "fixture" / "prompt-chunks.json"
        fixture.write_text(json.dumps({"made_by": "releng/diffusion/make_engine_reference.py --what weighting", "prompt": WEIGHTED_PROMPT,
                                       "input_ids": [ids for ids, _ in chunks], "multipliers": [w for _, w in chunks]}) + "\n")
    print("wrote", refs, "weighted:", len(chunks), "chunks")


# kohya's LoRA modules of each reduced checkpoint: kohya's name (diffusers' or ldm's module path), the ldm key it merges into
# (with the row block of a fused tensor), the engine's name of that layer, rank, alpha (None: no .alpha key, scale 1),
# and the down projection's kernel (3: a 3×3 convolution down, 1×1 up)
LORA_WEIGHT = 0.8
LORA_ALPHA_PREFIX = "lora"
LORAS = {
    "sd1": [
        ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight", None,
         "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight", 4, 2.0),
        ("lora_unet_down_blocks_0_attentions_0_proj_in", "model.diffusion_model.input_blocks.1.1.proj_in.weight", None,
         "unet.down_blocks.0.attentions.0.proj_in.weight", 4, None),
        ("lora_unet_input_blocks_4_0_in_layers_2", "model.diffusion_model.input_blocks.4.0.in_layers.2.weight", None,
         "unet.down_blocks.1.resnets.0.conv1.weight", 8, 4.0),
        ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k", "model.diffusion_model.middle_block.1.transformer_blocks.0.attn2.to_k.weight", None,
         "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight", 4, 4.0),
        ("lora_te_text_model_encoder_layers_0_self_attn_q_proj", "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight", None,
         "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.weight", 4, 1.0),
        ("lora_te_text_model_encoder_layers_1_self_attn_out_proj", "cond_stage_model.transformer.text_model.encoder.layers.1.self_attn.out_proj.weight", None,
         "text_encoder.text_model.encoder.layers.1.self_attn.out_proj.weight", 4, 2.0),
    ],
    "sdxl": [
        ("lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q", "model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight", None,
         "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.weight", 4, 2.0),
        ("lora_unet_input_blocks_1_0_in_layers_2", "model.diffusion_model.input_blocks.1.0.in_layers.2.weight", None,
         "unet.down_blocks.0.resnets.0.conv1.weight", 4, 4.0),
        ("lora_te1_text_model_encoder_layers_0_self_attn_v_proj", "conditioner.embedders.0.transformer.text_model.encoder.layers.0.self_attn.v_proj.weight", None,
         "text_encoder.text_model.encoder.layers.0.self_attn.v_proj.weight", 4, 4.0),
        ("lora_te2_text_model_encoder_layers_1_self_attn_q_proj", "conditioner.embedders.1.model.transformer.resblocks.1.attn.in_proj_weight", 0,
         "text_encoder_2.text_model.encoder.layers.1.self_attn.q_proj.weight", 4, 2.0),
        ("lora_te2_text_model_encoder_layers_2_self_attn_out_proj", "conditioner.embedders.1.model.transformer.resblocks.2.attn.out_proj.weight", None,
         "text_encoder_2.text_model.encoder.layers.2.self_attn.out_proj.weight", 4, 2.0),
    ],
}


def lora(root, args, name, checkpoint):
    spec = SPECS[name]
    merged = dict(checkpoint)
    modules = []
    refs = root / "bundles" / "dev.atelier.diffusion.engine.tests" / "reference" / ("" if name == "sd1" else name) / "lora"
    refs.mkdir(parents=True, exist_ok=True)
    for i, (module, key, block, internal, rank, alpha) in enumerate(LORAS[name]):
        w = merged[key]
        rows = w.shape[0] // 3 if block is not None else w.shape[0]
        target = w[block * rows:(block + 1) * rows] if block is not None else w
        down_shape = (rank,) + tuple(target.shape[1:])
        up_shape = (rows, rank) + (1,) * (len(target.shape) - 2)
        down = torch.from_numpy(formula(module + ".lora_down.weight", down_shape))
        up = torch.from_numpy(formula(module + ".lora_up.weight", up_shape))
        scale = (alpha if alpha is not None else rank) / rank
        delta = (up.reshape(rows, rank) @ down.reshape(rank, -1)).reshape(target.shape)
        new = target + LORA_WEIGHT * scale * delta
        if block is not None:
            w = w.clone()
            w[block * rows:(block + 1) * rows] = new
            merged[key] = w
        else:
            merged[key] = new
        save(refs / f"merged_{i}.f32", new)
        modules.append({"module": module, "internal": internal, "down": list(down_shape), "up": list(up_shape), "alpha": alpha})
    texts, unet, _ = models(spec, merged)
    plain = root / "bundles" / "dev.atelier.diffusion.engine.tests" / "reference" / ("" if name == "sd1" else name)
    meta = json.loads((plain / "reference.json").read_text())
    ids = meta["input_ids"] if name != "sd1" else [meta["input_ids"]]
    with torch.no_grad():
        if name == "sdxl":
            outs = [t(torch.tensor([i]), output_hidden_states=True) for t, i in zip(texts, ids)]
            hidden = torch.cat([o.hidden_states[-2] for o in outs], dim=-1)
            save(refs / "text_pooled.f32", outs[1].text_embeds[0])
        else:
            hidden = texts[0](torch.tensor([ids[0]]))[0]
        save(refs / "text_hidden.f32", hidden[0])
        latent = meta["latent"]
        sample = torch.from_numpy(np.fromfile(plain / "unet_sample.f32", "<f4").reshape([1] + latent))
        context = torch.from_numpy(np.fromfile(plain / "text_hidden.f32", "<f4").reshape(1, POSITIONS, -1))
        added = {}
        if name == "sdxl":
            pooled = torch.from_numpy(np.fromfile(plain / "text_pooled.f32", "<f4").reshape(1, -1))
            added = {"added_cond_kwargs": {"text_embeds": pooled, "time_ids": torch.tensor([meta["time_ids"]])}}
        save(refs / "unet_out.f32", unet(sample, torch.tensor(meta["unet_timestep"]), encoder_hidden_states=context, **added).sample[0])
    (refs / "lora.json").write_text(json.dumps({"made_by": "releng/diffusion/make_engine_reference.py --what lora", "weight": LORA_WEIGHT,
                                               "modules": modules}, indent=1) + "\n")
    print("wrote", refs)


# ControlNet (--what controlnet): SD 1.x's reduced ControlNet in ControlNet-v1.1's layout (control_model.*: the UNet's
# input blocks, middle block and time embedding, input_hint_block convolutions with SiLU between, zero_convs and
# middle_block_out), hint embedding channels reduced from (16, 32, 96, 256)
CONTROL_HINT = (16, 32, 32, 64)
CONTROL_SEED = 4321
CONTROL_SCALE = 0.7
CONTROL_START = 0.1
CONTROL_END = 0.6


def controlnet_shapes(spec):
    """The ControlNet's ldm keys: the UNet's encoder half under control_model., the hint block and the zero convolutions."""
    unet = "model.diffusion_model."
    s = {"control_model." + k[len(unet):]: v for k, v in ldm_shapes(spec).items()
         if k.startswith(unet) and not k.startswith(unet + "output_blocks.") and not k.startswith(unet + "out.")}
    hint = [3] + list(CONTROL_HINT)
    convs = [(hint[0], hint[1])]
    for i in range(len(CONTROL_HINT) - 1):
        convs += [(hint[i + 1], hint[i + 1]), (hint[i + 1], hint[i + 2])]
    convs.append((CONTROL_HINT[-1], spec["mc"]))
    for n, (i, o) in enumerate(convs):
        s[f"control_model.input_hint_block.{2 * n}.weight"] = (o, i, 3, 3)
        s[f"control_model.input_hint_block.{2 * n}.bias"] = (o,)
    blocks = sorted({int(k.split(".")[2]) for k in s if k.startswith("control_model.input_blocks.")})
    for b in blocks:
        ch = s[f"control_model.input_blocks.{b}.0.weight"][0] if b == 0 else \
            s.get(f"control_model.input_blocks.{b}.0.op.weight", s.get(f"control_model.input_blocks.{b}.0.out_layers.3.weight"))[0]
        s[f"control_model.zero_convs.{b}.0.weight"] = (ch, ch, 1, 1)
        s[f"control_model.zero_convs.{b}.0.bias"] = (ch,)
    mid = s["control_model.middle_block.2.out_layers.3.weight"][0]
    s["control_model.middle_block_out.0.weight"] = (mid, mid, 1, 1)
    s["control_model.middle_block_out.0.bias"] = (mid,)
    return s


def controlnet(root, args, checkpoint):
    """diffusers' ControlNetModel loaded strictly through its own ldm converter: the residuals (down blocks and middle) on
    the networks reference's inputs and a hint, the UNet's output with them added, and StableDiffusionControlNetPipeline's
    20-step Euler image with a strength, start and end (fixture/engine-sd1-controlnet)."""
    from diffusers import ControlNetModel, StableDiffusionControlNetPipeline
    from diffusers.loaders.single_file_utils import convert_controlnet_checkpoint
    from PIL import Image, ImageDraw
    spec = SPECS["sd1"]
    shapes = controlnet_shapes(spec)
    control = {k: torch.from_numpy(formula(k, v)) for k, v in shapes.items()}
    channels = tuple(spec["mc"] * m for m in spec["mult"])
    down = tuple("CrossAttnDownBlock2D" if d > 0 else "DownBlock2D" for d in spec["depth"])
    net = ControlNetModel(in_channels=LATENT, conditioning_channels=3, down_block_types=down, block_out_channels=channels, layers_per_block=spec["res"],
                          cross_attention_dim=context_width(spec), attention_head_dim=8, norm_num_groups=32, conditioning_embedding_out_channels=CONTROL_HINT)
    converted = convert_controlnet_checkpoint(control, dict(net.config))
    net.load_state_dict(converted, strict=True)
    net.eval()
    # which ldm tensor each diffusers key holds (the converter copies tensors: identity tells)
    by_id = {id(v): k for k, v in control.items()}
    layout = [{"ldm": by_id[id(v)], "diffusers": k, "shape": list(v.shape)} for k, v in converted.items()]
    assert len(layout) == len(control) == len({e["ldm"] for e in layout})
    [text], unet, vae = models(spec, checkpoint)
    refs = root / "bundles" / "dev.atelier.diffusion.engine.tests" / "reference"
    out = refs / "controlnet"
    out.mkdir(parents=True, exist_ok=True)
    meta = json.loads((refs / "reference.json").read_text())
    sample = torch.from_numpy(np.fromfile(refs / "unet_sample.f32", "<f4").reshape([1] + meta["latent"]))
    context = torch.from_numpy(np.fromfile(refs / "text_hidden.f32", "<f4").reshape(1, POSITIONS, -1))
    hint = torch.rand((1, 3, SIZE, SIZE), generator=torch.Generator().manual_seed(CONTROL_SEED))
    with torch.no_grad():
        res, mid = net(sample, torch.tensor(meta["unet_timestep"]), encoder_hidden_states=context, controlnet_cond=hint, conditioning_scale=CONTROL_SCALE,
                       return_dict=False)
        save(out / "hint.f32", hint[0])
        save(out / "down.f32", torch.cat([r[0].flatten() for r in res]))
        save(out / "mid.f32", mid[0])
        save(out / "unet_out.f32", unet(sample, torch.tensor(meta["unet_timestep"]), encoder_hidden_states=context, down_block_additional_residuals=res,
                                        mid_block_additional_residual=mid).sample[0])
    (out / "controlnet.json").write_text(json.dumps({
        "made_by": "releng/diffusion/make_engine_reference.py --what controlnet", "hint_channels": list(CONTROL_HINT), "scale": CONTROL_SCALE,
        "residuals": [list(r.shape[1:]) for r in res], "mid": list(mid.shape[1:]), "layout": layout}, indent=1) + "\n")

    fixture = root / "bundles" / "dev.atelier.diffusion.tests" / "fixture" / "engine-sd1-controlnet"
    fixture.mkdir(parents=True, exist_ok=True)
    # a control image as canny gives them: white lines on black
    image = Image.new("RGB", (SIZE, SIZE))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 12, 50, 52), outline=(255, 255, 255))
    draw.line((4, 58, 60, 6), fill=(255, 255, 255))
    image.save(fixture / "control.png")
    case = json.loads(Path(args.testdata, "clip", "tokenizer-cases.jsonl").read_text().splitlines()[PROMPT_LINE])
    with torch.no_grad():
        hidden = text(torch.tensor([case["input_ids"]]))[0]
        uncond = text(torch.tensor([[49406] + [49407] * 76]))[0]
    pipe = StableDiffusionControlNetPipeline(vae=vae, text_encoder=text, tokenizer=None, unet=unet, controlnet=net, scheduler=release_scheduler("epsilon"),
                                             safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe(prompt_embeds=hidden, negative_prompt_embeds=uncond, image=image, height=SIZE, width=SIZE, num_inference_steps=STEPS, guidance_scale=CFG,
         controlnet_conditioning_scale=CONTROL_SCALE, control_guidance_start=CONTROL_START, control_guidance_end=CONTROL_END,
         generator=torch.Generator().manual_seed(SEED), output_type="pil").images[0].save(fixture / "controlnet.png")
    (fixture / "controlnet.json").write_text(json.dumps({
        "made_by": "releng/diffusion/make_engine_reference.py --what controlnet", "prompt": case["prompt"], "negative_prompt": "", "seed": SEED,
        "steps": STEPS, "cfg": CFG, "sampler": "euler", "width": SIZE, "height": SIZE, "hint_channels": list(CONTROL_HINT), "strength": CONTROL_SCALE,
        "start": CONTROL_START, "end": CONTROL_END}, indent=1) + "\n")
    print("wrote", out, "and", fixture)


def main():
    root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser()
    ap.add_argument("--testdata", default=os.environ.get("ATELIER_TESTDATA", str(root.parent / "shared" / "data")))
    ap.add_argument("--family", choices=sorted(SPECS), action="append", help="only these families (default: all)")
    ap.add_argument("--save", help="also write the checkpoints (F32 and F16) into this folder")
    ap.add_argument("--what", choices=("networks", "weighting", "lora", "controlnet"), action="append",
                    help="what to make (default: networks, the modules' and pipelines' outputs)")
    ap.add_argument("--checkpoint-only", action="store_true", help="with --save: write the checkpoints and stop (no diffusers needed)")
    args = ap.parse_args()
    for name in args.family or sorted(SPECS):
        checkpoint = {k: torch.from_numpy(formula(k, s)) for k, s in ldm_shapes(SPECS[name]).items()}
        if args.save:
            write_checkpoint(name, checkpoint, args.save)
            if args.checkpoint_only:
                continue
        what = args.what or ["networks"]
        if "weighting" in what and name != "sd1-inpaint":
            weighting(root, args, name, checkpoint)
        if "lora" in what and name in LORAS:
            lora(root, args, name, checkpoint)
        if "controlnet" in what and name == "sd1":
            controlnet(root, args, checkpoint)
        if "networks" not in what:
            continue
        if name == "sd1":
            sd1(root, args, checkpoint)
        elif name == "sd1-inpaint":
            sd1_inpaint(root, args, checkpoint)
        else:
            sd2_or_sdxl(root, args, name, checkpoint)


if __name__ == "__main__":
    main()
