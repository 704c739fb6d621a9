package dev.atelier.diffusion.internal.pipeline;

import java.nio.file.Path;

/** A LoRA a generation merges: its name as the infotext records it, its file, its text-encoder and UNet weights. */
record LoraUse(String name, Path file, double textWeight, double unetWeight) {
}
