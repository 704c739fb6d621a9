package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.engine.Placement;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;

/** Layers on a simulated card and on the CPU, as {@code --device sim:… --gpu-layers N} places them. */
class PlacementTest {

	@Test
	void layersSplitBetweenACardAndTheCpuGiveTheLogitsOfTheCpuAlone(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tiny-q8.gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny", GgmlType.Q8_0, vocab, 3);
		}
		int[] prompt = { 1, 20, 30, 40, 50 };
		try (GgufFile gguf = GgufFile.open(file)) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			List<String> notes = new ArrayList<>();
			List<float[]> logits = new ArrayList<>();
			for (Placement placement : List.of(Engines.cpu(1), Engines.on("sim:rtx4090", 1, notes::add), Engines.on("sim:rtx4090", Placement.AUTO_LAYERS,
					notes::add))) {
				try (Llama llama = placement.open("placement test", m.config(), m.weights(), 64)) {
					llama.forward(prompt, 0);
					logits.add(llama.forward(60, prompt.length).clone());
					if (placement.gpuLayers() == 1) {
						assertTrue(llama.placement().matches("cpu: .*: layers 0–0 \\+ embedding; cpu backend for sim:rtx4090: .*: layers 1–1 \\+ output"),
								llama.placement());
					}
				}
			}
			assertArrayEquals(logits.get(0), logits.get(1), "the residual crosses from one compute to the other unchanged");
			assertArrayEquals(logits.get(0), logits.get(2));
			assertEquals(List.of("sim:rtx4090: its budget of 22.00 GiB holds all 2 layers"), notes.stream().map(n -> n.replaceAll("[0-9.]+ GiB", "22.00 GiB"))
					.toList());
		}
	}
}
