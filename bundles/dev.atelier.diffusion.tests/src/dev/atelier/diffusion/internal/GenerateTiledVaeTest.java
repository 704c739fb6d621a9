package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.Psnr;

/** {@code atelier generate --tile-vae} on the reduced SD 1.x checkpoint through the CLI, the queue and the native engine. */
class GenerateTiledVaeTest extends TinySd1Queue {

	@Override
	String dtype() {
		return "F32";
	}

	private Path generate(String size, String... more) {
		List<String> args = new ArrayList<>(List.of("generate", "--model", checkpoint.toString(), "--device", "cpu", "--prompt", "a photo of a cat",
				"--sampler", "euler", "--steps", "2", "--cfg", "1", "--seed", "1234", "--size", size));
		args.addAll(List.of(more));
		GenerateRun run = GenerateRun.of(diffusion, args);
		assertEquals(0, run.code(), run.err());
		return Path.of(run.out().strip());
	}

	private static RgbImage read(Path png) throws IOException {
		return Images.read(png, 1 << 24);
	}

	@Test
	void anImageWithinOneTileIsTheUntiledImage() throws IOException {
		Path plainPng = generate("64x64");
		Path tiledPng = generate("64x64", "--tile-vae");
		assertEquals(Double.POSITIVE_INFINITY, Psnr.of(read(plainPng), read(tiledPng)), "a 64×64 image is one tile");
		assertTrue(Infotext.parse(PngInfo.read(tiledPng).get(Infotext.CHUNK)).options(root).tileVae(), "recorded, so that Reuse ticks it again");
		assertFalse(Infotext.parse(PngInfo.read(plainPng).get(Infotext.CHUNK)).options(root).tileVae());
	}

	/** 384×320: latent 48×40, tiles of 32 stepping by 16 (rows 0, 8; columns 0, 16). */
	@Test
	void aLargerImageDecodedInTilesStaysCloseToOnePass() throws IOException {
		RgbImage plain = read(generate("384x320"));
		RgbImage tiled = read(generate("384x320", "--tile-vae"));
		double psnr = Psnr.of(plain, tiled);
		System.out.printf("--tile-vae at 384x320: PSNR %.2f dB against one pass%n", psnr);
		assertTrue(psnr >= 30 && psnr < Double.POSITIVE_INFINITY, "tiled against one pass: " + psnr + " dB");
	}
}
