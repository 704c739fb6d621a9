"""Reference outputs of diffusers for Atelier's native Stable Diffusion engine (issue 15), on a reduced SD 1.x.

The checkpoint is an ldm single file (A1111's key layout) of the real SD 1.x architecture at reduced size, its
weights given by a formula of each ldm key and element index that dev.atelier.testing.checkpoints.FormulaWeights
computes bit for bit, so the tests write the same file instead of committing it (the token embedding alone, 49408
rows, would be megabytes). diffusers' own ldm converters (single_file_utils) map it onto UNet2DConditionModel,
AutoencoderKL and transformers' CLIPTextModel, loaded strictly, so the key layout is checked by diffusers itself.

Writes, beside small raw little-endian float32 files (NCHW / [tokens][width] as torch holds them):
  engine tests  reference/: reference.json, text_hidden.f32, unet_sample.f32, unet_out.f32, vae_latent.f32, vae_image.f32,
                vae_encoder_image.f32 (pipeline.png in [-1, 1]), vae_moments.f32 (the encoder's mean and log-variance of it)
  diffusion tests fixture/engine-sd1/: pipeline.json, pipeline.png (a 20-step Euler image of StableDiffusionPipeline),
                img2img.png (StableDiffusionImg2ImgPipeline from pipeline.png)
and, with --save DIR, the checkpoint itself as DIR/tiny-sd1-f32.safetensors and -f16 (only those with --checkpoint-only).

Run: PYTHONPATH=<diffusers>/src python3 releng/diffusion/make_engine_reference.py  (torch, transformers, safetensors,
numpy, pillow; CPU). ATELIER_TESTDATA/clip/tokenizer-cases.jsonl gives the prompt's ids (Hugging Face's CLIPTokenizer).
"""
import argparse
import json
import math
import os
from pathlib import Path

import numpy as np
import torch

# The reduced configuration, LdmLayout.Spec in the Java tests (FormulaWeights.SD1_REFERENCE).
MODEL_CHANNELS = 32
MULT = (1, 2, 2)
RES_BLOCKS = 2
DEPTH = (1, 1, 0)
TEXT_WIDTH = 128
TEXT_LAYERS = 2
VOCAB = 49408
POSITIONS = 77
VAE_BASE = 32
VAE_MULT = (1, 2, 2, 2)
VAE_RES_BLOCKS = 1
LATENT = 4

SEED = 1234
IMG2IMG_SEED = 99
STRENGTH = 0.6
CFG = 7.5
STEPS = 20
SIZE = 64
UNET_TIMESTEP = 500.0
PROMPT_LINE = 0  # of tokenizer-cases.jsonl


def ldm_shapes():
    """Every ldm key of an SD 1.x single file and its shape, as LdmLayout writes them."""
    s = {}

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

    def transformer(p, ch, depth):
        norm(p + ".norm", ch)
        conv(p + ".proj_in", ch, ch, 1)
        for k in range(depth):
            b = f"{p}.transformer_blocks.{k}."
            for attn in ("attn1", "attn2"):
                kv = ch if attn == "attn1" else TEXT_WIDTH
                s[b + attn + ".to_q.weight"] = (ch, ch)
                s[b + attn + ".to_k.weight"] = (ch, kv)
                s[b + attn + ".to_v.weight"] = (ch, kv)
                linear(b + attn + ".to_out.0", ch, ch)
            linear(b + "ff.net.0.proj", 8 * ch, ch)
            linear(b + "ff.net.2", ch, 4 * ch)
            for n in (1, 2, 3):
                norm(f"{b}norm{n}", ch)
        conv(p + ".proj_out", ch, ch, 1)

    p = "model.diffusion_model."
    mc = MODEL_CHANNELS
    temb = 4 * mc
    linear(p + "time_embed.0", temb, mc)
    linear(p + "time_embed.2", temb, temb)
    conv(p + "input_blocks.0.0", mc, 4, 3)
    chans = [mc]
    ch = mc
    block = 1
    for i, m in enumerate(MULT):
        for _ in range(RES_BLOCKS):
            out = mc * m
            res(f"{p}input_blocks.{block}.0", ch, out, temb)
            if DEPTH[i] > 0:
                transformer(f"{p}input_blocks.{block}.1", out, DEPTH[i])
            ch = out
            chans.append(ch)
            block += 1
        if i < len(MULT) - 1:
            conv(f"{p}input_blocks.{block}.0.op", ch, ch, 3)
            chans.append(ch)
            block += 1
    res(p + "middle_block.0", ch, ch, temb)
    transformer(p + "middle_block.1", ch, 1)
    res(p + "middle_block.2", ch, ch, temb)
    block = 0
    for i in reversed(range(len(MULT))):
        for j in range(RES_BLOCKS + 1):
            out = mc * MULT[i]
            res(f"{p}output_blocks.{block}.0", ch + chans.pop(), out, temb)
            part = 1
            if DEPTH[i] > 0:
                transformer(f"{p}output_blocks.{block}.1", out, DEPTH[i])
                part = 2
            ch = out
            if i > 0 and j == RES_BLOCKS:
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

    p = "cond_stage_model.transformer.text_model."
    d = TEXT_WIDTH
    s[p + "embeddings.token_embedding.weight"] = (VOCAB, d)
    s[p + "embeddings.position_embedding.weight"] = (POSITIONS, d)
    for l in range(TEXT_LAYERS):
        layer = f"{p}encoder.layers.{l}."
        for proj in ("k_proj", "v_proj", "q_proj", "out_proj"):
            linear(layer + "self_attn." + proj, d, d)
        norm(layer + "layer_norm1", d)
        linear(layer + "mlp.fc1", 4 * d, d)
        linear(layer + "mlp.fc2", d, 4 * d)
        norm(layer + "layer_norm2", d)
    norm(p + "final_layer_norm", d)
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


def models(checkpoint):
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from diffusers.loaders.single_file_utils import convert_ldm_clip_checkpoint, convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint
    from transformers import CLIPTextConfig, CLIPTextModel

    down = tuple("CrossAttnDownBlock2D" if d > 0 else "DownBlock2D" for d in DEPTH)
    up = tuple("CrossAttnUpBlock2D" if d > 0 else "UpBlock2D" for d in reversed(DEPTH))
    unet = UNet2DConditionModel(sample_size=SIZE // 8, in_channels=4, out_channels=4, layers_per_block=RES_BLOCKS,
                                block_out_channels=tuple(MODEL_CHANNELS * m for m in MULT), down_block_types=down, up_block_types=up,
                                cross_attention_dim=TEXT_WIDTH, attention_head_dim=8, norm_num_groups=32)
    unet.load_state_dict(convert_ldm_unet_checkpoint(checkpoint, dict(unet.config)), strict=True)
    vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * len(VAE_MULT),
                        up_block_types=("UpDecoderBlock2D",) * len(VAE_MULT), block_out_channels=tuple(VAE_BASE * m for m in VAE_MULT),
                        layers_per_block=VAE_RES_BLOCKS, latent_channels=LATENT, norm_num_groups=32, sample_size=SIZE, scaling_factor=0.18215)
    vae.load_state_dict(convert_ldm_vae_checkpoint(checkpoint, dict(vae.config)), strict=True)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=VOCAB, hidden_size=TEXT_WIDTH, intermediate_size=4 * TEXT_WIDTH, num_hidden_layers=TEXT_LAYERS,
                                        num_attention_heads=TEXT_WIDTH // 64, max_position_embeddings=POSITIONS, hidden_act="quick_gelu",
                                        bos_token_id=49406, eos_token_id=49407, pad_token_id=49407))
    clip = {k: v for k, v in convert_ldm_clip_checkpoint(checkpoint).items() if not k.endswith("position_ids")}
    if not any(k.startswith("text_model.") for k in text.state_dict()):  # transformers 5 names CLIPTextModel's modules without it
        clip = {k.removeprefix("text_model."): v for k, v in clip.items()}
    missing, unexpected = text.load_state_dict(clip, strict=False)
    assert not unexpected and all(k.endswith("position_ids") for k in missing), (missing, unexpected)
    return text.eval(), unet.eval(), vae.eval()


def save(path, tensor):
    np.ascontiguousarray(tensor.detach().float().numpy(), dtype="<f4").tofile(path)


def main():
    root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser()
    ap.add_argument("--testdata", default=os.environ.get("ATELIER_TESTDATA", str(root.parent / "shared" / "data")))
    ap.add_argument("--save", help="also write the checkpoint (F32 and F16) into this folder")
    ap.add_argument("--checkpoint-only", action="store_true", help="with --save: write the checkpoint and stop (no diffusers needed)")
    args = ap.parse_args()
    shapes = ldm_shapes()
    checkpoint = {k: torch.from_numpy(formula(k, s)) for k, s in shapes.items()}
    if args.save:
        from safetensors.torch import save_file
        Path(args.save).mkdir(parents=True, exist_ok=True)
        save_file(checkpoint, str(Path(args.save) / "tiny-sd1-f32.safetensors"))
        save_file({k: v.half() for k, v in checkpoint.items()}, str(Path(args.save) / "tiny-sd1-f16.safetensors"))
        if args.checkpoint_only:
            return
    text, unet, vae = models(checkpoint)

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

    from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline
    # SD 1.x's release scheduler_config.json (v1-5), as a single file takes it
    scheduler = EulerDiscreteScheduler(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       steps_offset=1, prediction_type="epsilon", trained_betas=None)
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


if __name__ == "__main__":
    main()
