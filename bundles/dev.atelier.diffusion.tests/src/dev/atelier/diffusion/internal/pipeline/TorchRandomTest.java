package dev.atelier.diffusion.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class TorchRandomTest {

	/** data/torch-randn.json was written by releng/diffusion/torch_randn_reference.py with PyTorch's CPU generator. */
	@Test
	void normalNoiseEqualsTorchRandnForTheSameSeed() throws IOException {
		JsonObject ref = JsonParser.parseString(Files.readString(Path.of("data", "torch-randn.json"))).getAsJsonObject();
		int compared = 0;
		for (JsonElement e : ref.getAsJsonArray("cases")) {
			JsonObject c = e.getAsJsonObject();
			int n = c.get("n").getAsInt();
			float[] ours = new float[n + 3];
			new TorchRandom(c.get("seed").getAsLong()).fillNormal(ours, 3, n);
			for (int i = 0; i < n; i++) {
				// torch evaluates log and cos in vectorised float code: equal to within a few float ulps
				assertEquals(c.getAsJsonArray("values").get(i).getAsDouble(), ours[3 + i], 1e-6, "seed " + c.get("seed") + ", n " + n + ", value " + i);
				compared++;
			}
		}
		assertEquals(4 * (16 + 100 + 256), compared);
	}

	@Test
	void fewerThanSixteenValuesAreRefused() {
		assertThrows(IllegalArgumentException.class, () -> new TorchRandom(1).fillNormal(new float[8], 0, 8));
	}
}
