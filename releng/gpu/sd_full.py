"""diffusers' side of issue 15's full-size check on the GPU host (releng/gpu/llm.sh sdfull): the real SD 1.5 or SDXL base
configuration with formula weights, read from the ldm single file SdCheck wrote (FormulaWeights, F16), loaded strictly
through diffusers' own ldm converters (make_engine_reference.models) and run in FP16 on CUDA as people run it:
  text_hidden.f32 (SDXL also text_pooled.f32), unet_out.f32 for unet_sample.f32 at timestep 500 (SDXL with its size
  conditioning), vae_image.f32 for vae_latent.f32, and pipeline.png, a 20-step Euler image with CFG 7.5 of
  StableDiffusionPipeline / StableDiffusionXLPipeline (tokenizers from openai/CLIP's merges, the release schedulers),
  with reference.json and pipeline.json describing them for SdCheck.
Run: PYTHONPATH=<diffusers>/src:releng/diffusion python3 releng/gpu/sd_full.py --family sd15|sdxl --checkpoint FILE --out DIR --testdata DIR
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch

import make_engine_reference as ref

FULL = {
    # v1-inference.yaml and sd_xl_base.yaml, as LdmLayout.SD15 and SDXL_BASE write them
    "sd15": dict(kind="sd1", mc=320, mult=(1, 2, 4, 4), res=2, depth=(1, 1, 1, 0), mid=1, text=(768,), layers=(12,), vae=(128, (1, 2, 4, 4), 2),
                 size=512),
    "sdxl": dict(kind="sdxl", mc=320, mult=(1, 2, 4), res=2, depth=(0, 2, 10), mid=10, text=(768, 1280), layers=(12, 32), vae=(128, (1, 2, 4, 4), 2),
                 size=1024),
}
PROMPT = "a photograph of an astronaut riding a horse on the moon, highly detailed"
SEED = 1234


def save(path, tensor):
    np.ascontiguousarray(tensor.detach().float().cpu().numpy(), dtype="<f4").tofile(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", choices=sorted(FULL), required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--testdata", required=True)
    # a quick look elsewhere: --device cpu --size 64 --steps 2 (FP32 on the CPU)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--size", type=int)
    ap.add_argument("--steps", type=int, default=ref.STEPS)
    args = ap.parse_args()
    from safetensors.torch import load_file
    spec = FULL[args.family]
    size = args.size or spec["size"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = {k: v.float() for k, v in load_file(args.checkpoint).items()}
    texts, unet, vae = ref.models(spec, checkpoint)
    del checkpoint
    cuda = torch.device(args.device)
    half = torch.float16 if cuda.type == "cuda" else torch.float32
    texts = [t.to(cuda, half) for t in texts]
    unet = unet.to(cuda, half)
    vae = vae.to(cuda, half)
    toks = ref.tokenizers(args.testdata, spec["kind"])
    ids = [t(PROMPT, padding="max_length", max_length=ref.POSITIONS, truncation=True).input_ids for t in toks]
    latent = [4, size // 8, size // 8]
    meta = {"made_by": "releng/gpu/sd_full.py", "diffusers": __import__("diffusers").__version__, "torch": torch.__version__,
            "gpu": torch.cuda.get_device_name() if cuda.type == "cuda" else "cpu", "prompt": PROMPT, "input_ids": ids, "unet_timestep": ref.UNET_TIMESTEP, "latent": latent}
    with torch.no_grad():
        if spec["kind"] == "sd1":
            hidden = texts[0](torch.tensor([ids[0]], device=cuda))[0]
            added = {}
        else:
            outs = [t(torch.tensor([i], device=cuda), output_hidden_states=True) for t, i in zip(texts, ids)]
            hidden = torch.cat([o.hidden_states[-2] for o in outs], dim=-1)
            pooled = outs[1].text_embeds
            save(out / "text_pooled.f32", pooled[0])
            time_ids = (float(size), float(size), 0.0, 0.0, float(size), float(size))
            added = {"added_cond_kwargs": {"text_embeds": pooled, "time_ids": torch.tensor([time_ids], device=cuda, dtype=half)}}
            meta["time_ids"] = time_ids
        save(out / "text_hidden.f32", hidden[0])
        sample = torch.randn([1] + latent, generator=torch.Generator().manual_seed(SEED + 1))
        save(out / "unet_sample.f32", sample[0])
        save(out / "unet_out.f32", unet(sample.to(cuda, half), torch.tensor(ref.UNET_TIMESTEP, device=cuda), encoder_hidden_states=hidden,
                                        **added).sample[0])
        z = torch.randn([1] + latent, generator=torch.Generator().manual_seed(SEED + 2))
        save(out / "vae_latent.f32", z[0])
        # SDXL's VAE overflows in FP16: diffusers' pipeline decodes it in FP32 (force_upcast), and so does this
        decoder = vae.float() if args.family == "sdxl" else vae
        save(out / "vae_image.f32", decoder.decode(z.to(cuda, decoder.dtype)).sample[0])
        vae.to(half)
    (out / "reference.json").write_text(json.dumps(meta, indent=1) + "\n")
    run = dict(prompt=PROMPT, height=size, width=size, num_inference_steps=args.steps, guidance_scale=ref.CFG, output_type="pil")
    if spec["kind"] == "sd1":
        from diffusers import StableDiffusionPipeline
        pipe = StableDiffusionPipeline(vae=vae, text_encoder=texts[0], tokenizer=toks[0], unet=unet, scheduler=ref.release_scheduler("epsilon"),
                                       safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    else:
        from diffusers import StableDiffusionXLPipeline
        pipe = StableDiffusionXLPipeline(vae=vae, text_encoder=texts[0], text_encoder_2=texts[1], tokenizer=toks[0], tokenizer_2=toks[1], unet=unet,
                                         scheduler=ref.release_scheduler("epsilon", "leading"), force_zeros_for_empty_prompt=True, add_watermarker=False)
    # the noise from a CPU generator, as PyTorch's randn on the CPU (which the engine reproduces) draws it
    image = pipe(**run, generator=torch.Generator().manual_seed(SEED)).images[0]
    image.save(out / "pipeline.png")
    # the same pipeline in FP32: how far FP16 arithmetic alone moves the image after 20 steps of these weights
    pipe.to(torch.float32)
    pipe(**run, generator=torch.Generator().manual_seed(SEED)).images[0].save(out / "pipeline-fp32.png")
    (out / "pipeline.json").write_text(json.dumps({
        "made_by": "releng/gpu/sd_full.py", "prompt": PROMPT, "negative_prompt": "", "seed": SEED, "steps": args.steps, "cfg": ref.CFG,
        "sampler": "euler", "width": size, "height": size, "images": {"epsilon": "pipeline.png"}}, indent=1) + "\n")
    print("sd_full.py: wrote", out, *(("peak", round(torch.cuda.max_memory_allocated() / 2**30, 2), "GiB") if cuda.type == "cuda" else ()))


if __name__ == "__main__":
    main()
