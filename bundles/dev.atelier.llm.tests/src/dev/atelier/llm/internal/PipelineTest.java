package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.device.Device;
import dev.atelier.device.VramLease;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.internal.cli.ChatCommand;
import dev.atelier.llm.internal.engine.Generator;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.engine.Placement;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;

/**
 * A model split by layers across several devices ({@code --devices}, a pipeline): simulated cards compute on the host
 * as the CPU does, so the split gives exactly the CPU's logits and tokens, each card holding a share of the layers in
 * proportion to its free memory under a lease of its own, none of them able to hold the whole model.
 */
class PipelineTest {

	private static final int CONTEXT = 64;
	private static final String CLIENT = "pipeline test";
	private static final int[] PROMPT = { 1, 20, 30, 40, 50, 7 };

	private static Path write(Path dir) throws Exception {
		Path file = dir.resolve("tiny8-q8_0.gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny8", GgmlType.Q8_0, vocab, 5);
		}
		return file;
	}

	/**
	 * A simulated card of {@code profile} sized for its fixed parts (the embedding where first, the classifier where
	 * last, activations, the backend's workspace) and {@code layers} layers with 5 % to spare: the free memories of
	 * cards made so are in the ratio of their layers.
	 */
	private static String card(String profile, GgufLlama.Model m, boolean first, boolean last, int layers) {
		return card(profile, m, first, last, layers * 1.05, CONTEXT, 1);
	}

	/**
	 * As {@link #card(String, GgufLlama.Model, boolean, boolean, int)}: room for {@code layers} layers (a fraction of one
	 * too), a cache of {@code context} positions in each of {@code sequences} slots.
	 */
	private static String card(String profile, GgufLlama.Model m, boolean first, boolean last, double layers, int context, int sequences) {
		int batch = Llama.batchTokens(true);
		long fixed = Llama.fixedBytes(m.config(), m.weights(), first, last, context, sequences, batch)
				+ Engines.runtime().workspaceBytes(Engines.devices().resolve("sim:" + profile), batch, m.config().hiddenDim());
		return "sim:" + profile + "=" + (fixed + (long) (layers * Llama.layerBytes(m.config(), m.weights(), 0, context, sequences)));
	}

	/** What the whole model needs on one card: its tensors and the backend's workspace. */
	private static long whole(GgufLlama.Model m, String card) {
		int batch = Llama.batchTokens(true);
		return Llama.bytes(m.config(), m.weights(), 0, m.config().layers(), CONTEXT, batch)
				+ Engines.runtime().workspaceBytes(Engines.devices().resolve(card), batch, m.config().hiddenDim());
	}

	private static List<Integer> greedy(Llama llama) {
		List<Integer> tokens = new ArrayList<>();
		Generator.generate(llama, java.util.Arrays.stream(PROMPT).boxed().toList(), 12, Sampling.greedy(), Set.of(), tokens::add, () -> false);
		return tokens;
	}

	@Test
	void layersSplitAcrossThreeCardsTooSmallForTheModelGiveTheCpusLogitsAndTokens(@TempDir Path dir) throws Exception {
		try (GgufFile gguf = GgufFile.open(write(dir))) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			String a = card("rtx4090", m, true, false, 2);
			String b = card("a6000", m, false, false, 3);
			String c = card("rtx3090", m, false, true, 3);
			for (String id : List.of(a, b, c)) {
				assertTrue(Engines.devices().resolve(id).totalBytes() < whole(m, id), id + " cannot hold the whole model");
			}
			float[] cpuLogits;
			List<Integer> cpuTokens;
			try (Llama cpu = Engines.cpu(1).open(CLIENT, m.config(), m.weights(), CONTEXT)) {
				cpuLogits = cpu.forward(PROMPT, 0).clone();
				cpuTokens = greedy(cpu);
			}
			List<String> notes = new ArrayList<>();
			try (Llama split = Engines.across(String.join(",", a, b, c), notes::add).open(CLIENT, m.config(), m.weights(), CONTEXT)) {
				assertTrue(split.placement().matches("cpu backend for " + a + ": .*: layers 0–1 \\+ embedding; cpu backend for " + b
						+ ": .*: layers 2–4; cpu backend for " + c + ": .*: layers 5–7 \\+ output"), split.placement());
				List<VramLease> leases = Engines.devices().leases().stream().filter(l -> l.owner().client().equals(CLIENT)).toList();
				assertEquals(Set.of(a, b, c), leases.stream().map(VramLease::deviceId).collect(java.util.stream.Collectors.toSet()), "a lease on each card");
				assertEquals(3, leases.size(), leases.toString());
				for (VramLease lease : leases) {
					assertTrue(lease.allocatedBytes() > 0 && lease.allocatedBytes() <= lease.bytes(), lease + ": " + lease.allocatedBytes());
				}
				assertArrayEquals(cpuLogits, split.forward(PROMPT, 0), "the hidden state crosses the cards unchanged");
				assertEquals(cpuTokens, greedy(split));
			}
			assertTrue(Engines.devices().leases().stream().noneMatch(l -> l.owner().client().equals(CLIENT)), "closing gives every lease back");
			assertEquals(1, notes.size(), notes.toString());
			assertTrue(notes.getFirst().startsWith("split across 3 devices: " + a + ": layers 0–1, ") && notes.getFirst().endsWith("through host memory"),
					notes.getFirst());
		}
	}

	@Test
	void aLayerRoundedOntoACardWithoutRoomForItMovesToACardWithRoom(@TempDir Path dir) throws Exception {
		try (GgufFile gguf = GgufFile.open(write(dir))) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			// shares 3.54 and 4.46 of the 8 layers: the leftover layer goes to the first card's larger remainder, where 4 do not fit
			String a = card("rtx4090", m, true, false, 3.99, CONTEXT, 1);
			String b = card("a6000", m, false, true, 5.02, CONTEXT, 1);
			float[] cpuLogits;
			try (Llama cpu = Engines.cpu(1).open(CLIENT, m.config(), m.weights(), CONTEXT)) {
				cpuLogits = cpu.forward(PROMPT, 0).clone();
			}
			try (Llama split = Engines.across(a + "," + b, n -> {
			}).open(CLIENT, m.config(), m.weights(), CONTEXT)) {
				assertTrue(split.placement().matches("cpu backend for " + a + ": .*: layers 0–2 \\+ embedding; cpu backend for " + b
						+ ": .*: layers 3–7 \\+ output"), split.placement());
				assertArrayEquals(cpuLogits, split.forward(PROMPT, 0));
			}
		}
	}

	@Test
	void sequencesDecodedTogetherAcrossCardsGetTheLogitsTheyGetOnTheCpu(@TempDir Path dir) throws Exception {
		try (GgufFile gguf = GgufFile.open(write(dir))) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			int[][] prompts = { { 1, 20, 30 }, { 1, 7, 7, 9, 11 }, { 1, 40 } };
			String list = String.join(",", card("rtx4090", m, true, false, 4.2, CONTEXT, prompts.length), card("a6000", m, false, true, 4.2, CONTEXT,
					prompts.length));
			try (Llama cpu = Engines.cpu(1).open(CLIENT, m.config(), m.weights(), CONTEXT, prompts.length);
					Llama split = Engines.across(list, n -> {
					}).open(CLIENT, m.config(), m.weights(), CONTEXT, prompts.length)) {
				int[] slots = { 0, 1, 2 };
				int[] next = new int[prompts.length];
				int[] positions = new int[prompts.length];
				for (int s = 0; s < prompts.length; s++) {
					for (Llama llama : List.of(cpu, split)) {
						llama.run(s, prompts[s], 0);
					}
					next[s] = argmax(cpu.logits(0));
					positions[s] = prompts[s].length;
				}
				for (int step = 0; step < 6; step++) {
					cpu.decode(slots, next, positions);
					split.decode(slots, next, positions);
					for (int s = 0; s < prompts.length; s++) {
						float[] expected = cpu.logits(s).clone();
						assertArrayEquals(expected, split.logits(s), "step " + step + ", sequence " + s);
						next[s] = argmax(expected);
						positions[s]++;
					}
				}
			}
		}
	}

	private static int argmax(float[] values) {
		int best = 0;
		for (int i = 1; i < values.length; i++) {
			best = values[i] > values[best] ? i : best;
		}
		return best;
	}

	@Test
	void aModelTooLargeForAllTheListedCardsIsRefusedNamingEachCardsBudgetAndNeed(@TempDir Path dir) throws Exception {
		try (GgufFile gguf = GgufFile.open(write(dir))) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			String a = card("rtx4090", m, true, false, 3);
			String b = card("a6000", m, false, true, 3);
			Placement.DoesNotFit refused = assertThrows(Placement.DoesNotFit.class,
					() -> Engines.across(a + "," + b, n -> {
					}).open(CLIENT, m.config(), m.weights(), CONTEXT).close());
			assertTrue(refused.getMessage().startsWith("the model does not fit across " + a + "," + b + " (budgets: " + a + " "), refused.getMessage());
			assertTrue(refused.getMessage().contains(a + "'s layers 0–3 need ") && refused.getMessage().contains(b + "'s layers 4–7 need "),
					refused.getMessage());
			assertTrue(Engines.devices().leases().stream().noneMatch(l -> l.owner().client().equals(CLIENT)), "nothing stays leased");
		}
	}

	/** Exit code, standard output and standard error of an {@code atelier llm} command. */
	private record Run(int code, String out, String err) {
	}

	private static Run llm(String... args) {
		return run(Engines.llmCommand(), args);
	}

	private static Run run(Subcommand command, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Cli.run(List.of(command), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), List.of(args));
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void generateWithDevicesPrintsTheTokensOfOneDevice(@TempDir Path dir) throws Exception {
		Path file = write(dir);
		String list;
		try (GgufFile gguf = GgufFile.open(file)) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			// the command's context is 4096 tokens, more than the model's 256: cards sized for the model's
			list = String.join(",", card("rtx4090", m, true, false, 5.25, 4096, 1), card("rtx3090", m, false, true, 4.2, 4096, 1));
		}
		List<String> common = List.of("llm", "generate", "--model", file.toString(), "--prompt-ids", "1 20 30 40", "--emit", "ids", "--max-tokens", "10",
				"--threads", "1");
		Run one = llm(concat(common, "--device", "cpu"));
		Run split = llm(concat(common, "--devices", list));
		assertEquals(0, one.code(), one.err());
		assertEquals(0, split.code(), split.err());
		assertEquals(10, one.out().strip().split(" ").length, one.out());
		assertEquals(one.out(), split.out());
		assertTrue(split.err().contains("atelier llm generate: split across 2 devices: "), split.err());
	}

	@Test
	void chatWithDevicesAnswersAsOneDeviceDoes(@TempDir Path dir) throws Exception {
		Path file = write(dir);
		String list;
		try (GgufFile gguf = GgufFile.open(file)) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			list = String.join(",", card("rtx4090", m, true, false, 4.2, 4096, 1), card("rtx3090", m, false, true, 4.2, 4096, 1));
		}
		List<String> common = List.of("chat", "--model", file.toString(), "--prompt", "hello", "--temperature", "0", "--max-tokens", "8", "--threads", "1");
		Run one = run(Engines.command(ChatCommand.class), concat(common, "--device", "cpu"));
		Run split = run(Engines.command(ChatCommand.class), concat(common, "--devices", list));
		assertEquals(0, one.code(), one.err());
		assertEquals(0, split.code(), split.err());
		assertTrue(!one.out().isBlank(), one.err());
		assertEquals(one.out(), split.out());
	}

	@Test
	void benchWithDevicesDecodesParallelAnswersAcrossThem(@TempDir Path dir) throws Exception {
		Path file = write(dir);
		Run bench = llm("llm", "bench", "--model", file.toString(), "--devices", "sim:rtx4090,sim:a6000", "--prompt-tokens", "8", "--tokens", "4", "--parallel",
				"2", "--threads", "1");
		assertEquals(0, bench.code(), bench.err());
		assertTrue(bench.out().contains("batched tg4, 2 answers: "), bench.out());
		assertTrue(bench.out().matches("(?s).*memory: sim:rtx4090: .* lease .*; sim:a6000: .* lease .*"), "a lease on each card: " + bench.out());
	}

	@Test
	void perplexityWithDevicesIsOneCardsPerplexity(@TempDir Path dir) throws Exception {
		Path file = write(dir);
		Path text = java.nio.file.Files.writeString(dir.resolve("text.txt"), (TinyVocab.WORDS + ". ").repeat(6));
		List<String> common = List.of("llm", "perplexity", "--model", file.toString(), "--file", text.toString(), "--ctx", "16", "--threads", "1");
		// cards alike in arithmetic and prompt batch: the chunks' logits come out of the classifier batched as on one card
		Run one = llm(concat(common, "--device", "sim:h100"));
		Run split = llm(concat(common, "--devices", "sim:rtx4090,sim:a6000"));
		assertEquals(0, one.code(), one.err());
		assertEquals(0, split.code(), split.err());
		assertTrue(one.out().contains("Final estimate: PPL = "), one.out());
		assertEquals(one.out(), split.out());
	}

	@Test
	void devicesWithDeviceOrGpuLayersAnUnknownDeviceOrTooSmallCardsAreRefused(@TempDir Path dir) throws Exception {
		Path file = write(dir);
		String model = file.toString();
		for (String[] both : new String[][] { { "--device", "cpu" }, { "--gpu-layers", "2" } }) {
			Run run = llm("llm", "generate", "--model", model, "--prompt-ids", "1", "--devices", "cpu,sim:h100", both[0], both[1]);
			assertEquals(2, run.code(), run.err());
			assertTrue(run.err().contains("--devices splits the layers across the devices it lists: give it without --device and --gpu-layers"), run.err());
		}
		Run unknown = llm("llm", "bench", "--model", model, "--devices", "cpu,sim:nosuch");
		assertEquals(2, unknown.code(), unknown.err());
		assertTrue(unknown.err().contains("--devices: ") && unknown.err().contains("nosuch"), unknown.err());
		Run twice = llm("llm", "bench", "--model", model, "--devices", "cpu,cpu");
		assertEquals(2, twice.code(), twice.err());
		Run small = llm("llm", "generate", "--model", model, "--prompt-ids", "1", "--devices", "sim:rtx4090=1m,sim:a6000=1m");
		assertEquals(1, small.code(), small.err());
		assertTrue(small.err().startsWith("atelier llm generate: " + model + ": the model does not fit across sim:rtx4090=1m,sim:a6000=1m (budgets: "),
				small.err());
	}

	@Test
	void devicesAllWithoutAGpuIsAUsageError(@TempDir Path dir) throws Exception {
		Assumptions.assumeTrue(Engines.devices().devices().stream().noneMatch(Device::runsCudaModules), "a machine without a CUDA GPU, as CI is");
		Run all = llm("llm", "bench", "--model", write(dir).toString(), "--devices", "all");
		assertEquals(2, all.code(), all.err());
		assertTrue(all.err().contains("--devices: 'all' names every CUDA GPU and there is none"), all.err());
	}

	private static String[] concat(List<String> first, String... more) {
		List<String> all = new ArrayList<>(first);
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}
}
