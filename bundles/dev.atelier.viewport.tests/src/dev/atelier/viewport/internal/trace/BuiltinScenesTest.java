package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.outputs.Outputs;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;

class BuiltinScenesTest {

	@Test
	void cornellBoxHasItsWallsBlocksAndOneLight() {
		Scene box = BuiltinScenes.cornellBox();
		assertEquals(32, box.triangleCount(), "five walls, ten block faces, the light: two triangles each");
		assertEquals(1, box.materials().stream().filter(m -> m.emits()).count());
		float[] bounds = box.bounds();
		assertArrayEquals(new float[] { 0, 0, 0, 0.556f, 0.5488f, 0.5592f }, bounds, 1e-6f);
	}

	/** 16 × 16 spheres of 64 segments are the million-triangle benchmark; the same arguments give the same scene. */
	@Test
	void sphereFieldIsDeterministicAndSizedAsAdvertised() {
		assertEquals(2 + 16 * 16 * 64 * 62, BuiltinScenes.sphereField(16, 64).triangleCount());
		Scene a = BuiltinScenes.sphereField(3, 8);
		Scene b = BuiltinScenes.sphereField(3, 8);
		for (int i = 0; i < a.meshes().size(); i++) {
			Mesh ma = a.meshes().get(i);
			Mesh mb = b.meshes().get(i);
			assertArrayEquals(ma.positions(), mb.positions());
			assertEquals(ma.material(), mb.material());
		}
	}

	@Test
	void tonemappedRendersWriteAsPng(@TempDir Path directory) throws IOException {
		Image image = new Image(2, 1, new float[] { 0.5f, 0, 1, 0, 2, 0.2140f });
		Path file = directory.resolve("out.png");
		Outputs.under(directory).write(file, Tonemap.toRgbImage(image, 0, Tonemap.Curve.CLAMP), Map.of());
		BufferedImage read = ImageIO.read(file.toFile());
		assertEquals(2, read.getWidth());
		assertEquals(0xBC00FF, read.getRGB(0, 0) & 0xFFFFFF);
		assertEquals(0x00FF7F, read.getRGB(1, 0) & 0xFFFFFF);
	}
}
