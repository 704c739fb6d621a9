package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.compute.ComputeRuntime;
import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseState;
import dev.atelier.device.VramLease;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.ModelInfo;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.engine.LlamaConfig;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.testing.FakeJobService;
import dev.atelier.testing.MemoryPreferences;
import dev.atelier.testing.Services;

/**
 * The LLM service in the OSGi runtime with the real device service and a simulated card: loading as a job under an
 * evictable lease, eviction and reload, the keep-alive preference, energy per answer, and the lease against the
 * planner's estimate.
 */
class LocalModelsTest {

	private static final String CARD = "sim:a6000";
	private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hi"));

	private DeviceService devices;
	private ComputeRuntime runtime;
	private final FakeJobService jobs = new FakeJobService();
	private final MemoryPreferences preferences = new MemoryPreferences();

	@BeforeEach
	void devices() throws InterruptedException {
		devices = Services.await(LocalModelsTest.class, DeviceService.class);
		runtime = Services.await(LocalModelsTest.class, ComputeRuntime.class);
		Services.await(LocalModelsTest.class, SimulatedDevices.class).add("a6000");
	}

	private LocalModels service() {
		return new LocalModels(jobs, devices, runtime, preferences);
	}

	private static Path tinyModel(Path dir, GgmlType type, String shape) throws IOException {
		Path file = dir.resolve(shape + "-" + type.name().toLowerCase() + ".gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, shape, type, vocab, 3);
		}
		return file;
	}

	private List<VramLease> leasesOf(String client) {
		return devices.leases().stream().filter(l -> l.owner().client().equals(client)).toList();
	}

	private static void await(JobHandle<?> job) throws Exception {
		job.result().get();
	}

	@Test
	void aModelLoadsInAJobWithProgressUnderAnEvictableLeaseThatNamesItAndIdlesOutAfterTheKeepAlive(@TempDir Path dir) throws Exception {
		Path file = tinyModel(dir, GgmlType.Q8_0, "tiny");
		LocalModels service = service();
		try (LocalModel model = service.model(file, null, CARD, 96)) {
			List<LocalModel.Status> heard = new CopyOnWriteArrayList<>();
			model.addListener(heard::add);
			assertEquals(LocalModel.State.UNLOADED, model.status().state());
			assertTrue(leasesOf("llm " + file.getFileName()).isEmpty(), "nothing is leased before the model loads");

			JobHandle<?> job = model.load().orElseThrow();
			await(job);
			FakeJobService.Handle<?> handle = (FakeJobService.Handle<?>) job;
			assertEquals("Load tiny-q8_0.gguf", job.name());
			assertTrue(handle.context().tasks().stream().anyMatch(t -> t.startsWith("Reading the weights of tiny-q8_0.gguf")), handle.context().tasks().toString());
			assertEquals(CARD, handle.context().details().get(JobHandle.DEVICE));
			assertTrue(heard.stream().anyMatch(s -> s.state() == LocalModel.State.LOADING && s.progress() > 0 && s.progress() <= 1),
					"the load reports its progress: " + heard);

			List<VramLease> leases = leasesOf("llm tiny-q8_0.gguf");
			assertEquals(1, leases.size());
			VramLease lease = leases.get(0);
			assertEquals("dev.atelier.llm", lease.owner().bundle());
			assertEquals(CARD, lease.deviceId());
			assertTrue(lease.evictable() && !lease.busy());
			assertEquals(LlmService.DEFAULT_KEEP_ALIVE, lease.idleTtl());
			assertEquals(new LocalModel.Status(LocalModel.State.LOADED, CARD, lease.bytes(), 1,
					String.format(java.util.Locale.ROOT, "loaded on %s: %.2f GiB leased; unloads after 5m idle; chat format: chatml (the default: the model has no chat template)", CARD, lease.bytes() / (double) (1L << 30))), model.status());
			assertTrue(model.load().isEmpty(), "a loaded model is not loaded again");
		}
		assertTrue(leasesOf("llm tiny-q8_0.gguf").isEmpty(), "closing the model gives its lease back");
	}

	@Test
	void anEvictedModelIsUnloadedAndTheNextMessageLoadsItAgainTransparently(@TempDir Path dir) throws Exception {
		Path file = tinyModel(dir, GgmlType.Q8_0, "tiny");
		LocalModels service = service();
		try (LocalModel model = service.model(file, "llama-2", CARD, 96)) {
			StringBuilder first = new StringBuilder();
			Usage usage = model.chat(HELLO, Sampling.greedy(), 6, first::append, () -> false);
			assertEquals(6, usage.generatedTokens(), "the first message loads the model and answers");
			VramLease lease = leasesOf("llm tiny-q8_0.gguf").get(0);

			assertTrue(devices.evict(lease), "an idle model's lease can be evicted");
			assertEquals(LeaseState.EVICTED, lease.state());
			assertEquals(LocalModel.State.UNLOADED, model.status().state());
			assertTrue(model.status().message().endsWith("the next message loads it again"), model.status().message());
			assertTrue(leasesOf("llm tiny-q8_0.gguf").isEmpty());

			StringBuilder second = new StringBuilder();
			model.chat(HELLO, Sampling.greedy(), 6, second::append, () -> false);
			assertEquals(first.toString(), second.toString(), "the reloaded model answers as before");
			VramLease again = leasesOf("llm tiny-q8_0.gguf").get(0);
			assertNotEquals(lease.id(), again.id(), "under a new lease");
			assertEquals(LocalModel.State.LOADED, model.status().state());
		}
	}

	@Test
	void theKeepAlivePreferenceIsTheLeasesIdleTimeToLive() {
		LocalModels service = service();
		assertEquals(Duration.ofMinutes(5), service.keepAlive(), "Ollama's default");
		preferences.put(LlmService.KEEP_ALIVE, "30s");
		assertEquals(Duration.ofSeconds(30), service.keepAlive());
		preferences.put(LlmService.KEEP_ALIVE, "90");
		assertEquals(Duration.ofSeconds(90), service.keepAlive(), "a bare number counts seconds");
		preferences.put(LlmService.KEEP_ALIVE, "0");
		assertEquals(Duration.ZERO, service.keepAlive(), "0 unloads after each answer");
		preferences.put(LlmService.KEEP_ALIVE, "-1");
		assertNull(service.keepAlive(), "-1 keeps the model until its memory is needed");
		preferences.put(LlmService.KEEP_ALIVE, "soon");
		assertEquals(Duration.ofMinutes(5), service.keepAlive(), "a value that is no duration gives the default");
		assertEquals(Duration.ofMinutes(5), new LocalModels(jobs, devices, runtime, null).keepAlive(), "without preferences, the default");
	}

	@Test
	void aKeepAliveSetBeforeALoadGoesWithThatLoadsLease(@TempDir Path dir) throws Exception {
		Path file = tinyModel(dir, GgmlType.Q8_0, "tiny");
		preferences.put(LlmService.KEEP_ALIVE, "-1");
		try (LocalModel model = service().model(file, null, CARD, 64)) {
			await(model.load().orElseThrow());
			assertNull(leasesOf("llm tiny-q8_0.gguf").get(0).idleTtl());
			assertTrue(model.status().message().contains("; stays until its memory is needed; chat format: "), model.status().message());
		}
	}

	@Test
	void aKeepAliveGivenWithTheModelOverridesThePreferenceAndNullKeepsItUntilItsMemoryIsNeeded(@TempDir Path dir) throws Exception {
		Path file = tinyModel(dir, GgmlType.Q8_0, "tiny");
		preferences.put(LlmService.KEEP_ALIVE, "30s");
		try (LocalModel model = service().model(file, null, CARD, 64, null)) {
			await(model.load().orElseThrow());
			assertNull(leasesOf("llm tiny-q8_0.gguf").get(0).idleTtl());
		}
		try (LocalModel model = service().model(file, null, CARD, 64, Duration.ofMinutes(7))) {
			await(model.load().orElseThrow());
			assertEquals(Duration.ofMinutes(7), leasesOf("llm tiny-q8_0.gguf").get(0).idleTtl());
		}
	}

	@Test
	void aCompletionContinuesTheTextWithoutTheChatFormatAndRefusesAPromptTheContextCannotHold(@TempDir Path dir) throws Exception {
		Path file = tinyModel(dir, GgmlType.Q8_0, "tiny");
		try (LocalModel model = service().model(file, "llama-2", CARD, 64)) {
			Usage chat = model.chat(List.of(ChatMessage.user("hello")), Sampling.greedy(), 3, t -> {
			}, () -> false);
			StringBuilder text = new StringBuilder();
			Usage completion = model.complete("hello", Sampling.greedy(), 3, text::append, () -> false);
			assertEquals(2, completion.promptTokens(), "BOS and the one token of 'hello', without the [INST] turn around it");
			assertTrue(chat.promptTokens() > completion.promptTokens(), chat + " against " + completion);
			assertEquals(3, completion.generatedTokens());
			assertTrue(!text.isEmpty());
			ChatException tooLong = assertThrows(ChatException.class, () -> model.complete("hello ".repeat(40), Sampling.greedy(), 30, t -> {
			}, () -> false));
			assertTrue(tooLong.getMessage().endsWith("with the answer's 30; the context holds 64"), tooLong.getMessage());
		}
	}

	@Test
	void describeReadsTheHeaderOnlyAndNamesTheFormatAModelWithoutATemplateGets(@TempDir Path dir) throws Exception {
		Path file = tinyModel(dir, GgmlType.Q8_0, "tiny");
		ModelInfo info = service().describe(file);
		assertEquals("llama", info.architecture());
		assertEquals("Q8_0", info.quantization());
		assertEquals(256, info.contextLength());
		assertTrue(info.chatTemplate().isEmpty());
		assertEquals("chatml (the default: the model has no chat template)", info.chatFormat());
		try (GgufFile gguf = GgufFile.open(file)) {
			assertEquals(gguf.tensors().values().stream().mapToLong(t -> t.elements()).sum(), info.parameters());
		}
		assertThrows(IOException.class, () -> service().describe(dir.resolve("missing.gguf")));
	}

	@Test
	void answersCarryTheJoulesTheEnergyMeterReadAndNaNWithoutOne(@TempDir Path dir) throws Exception {
		Path file = tinyModel(dir, GgmlType.Q8_0, "tiny");
		LocalModels service = service();
		try (LocalModel model = service.model(file, "llama-2", CARD, 96)) {
			Usage unmeasured = model.chat(HELLO, Sampling.greedy(), 4, t -> {
			}, () -> false);
			assertTrue(Double.isNaN(unmeasured.joules()) && Double.isNaN(unmeasured.joulesPerToken()), unmeasured.toString());

			service.setMeter(() -> () -> Optional.of(new EnergyMeter.Reading(12.0, 300, 350)));
			Usage measured = model.chat(HELLO, Sampling.greedy(), 4, t -> {
			}, () -> false);
			assertEquals(12.0, measured.joules());
			assertEquals(3.0, measured.joulesPerToken(), 1e-12, "12 J over 4 tokens");

			service.setMeter(() -> Optional::empty);
			assertTrue(Double.isNaN(model.chat(HELLO, Sampling.greedy(), 4, t -> {
			}, () -> false).joules()), "a meter that read no device gives no number");
		}
	}

	@Test
	void aLlama2cCheckpointChatsWithTheTokenizerBesideIt(@TempDir Path dir) throws Exception {
		Path file = new TinyLlama(true, 3).writeLlama2c(dir.resolve("tiny.bin"));
		TinyVocab.writeLlama2c(dir.resolve("tok" + TinyLlama.VOCAB + ".bin"));
		try (LocalModel model = service().model(file, "llama-2", CARD, 64)) {
			StringBuilder answer = new StringBuilder();
			Usage usage = model.chat(List.of(ChatMessage.user("Tell me about it")), Sampling.greedy(), 4, answer::append, () -> false);
			assertEquals(4, usage.generatedTokens());
			assertTrue(usage.promptTokens() > 5 && !answer.isEmpty(), usage + " " + answer);
		}
	}

	@Test
	void aLlama2cCheckpointWithoutItsTokenizerFailsTheLoadSayingWhereToPutOne(@TempDir Path dir) throws Exception {
		Path file = new TinyLlama(true, 3).writeLlama2c(dir.resolve("tiny.bin"));
		try (LocalModel model = service().model(file, null, CARD, 64)) {
			ChatException refused = assertThrows(ChatException.class, () -> model.chat(List.of(ChatMessage.user("hello")), Sampling.greedy(), 2, t -> {
			}, () -> false));
			assertTrue(refused.getMessage().contains("tok" + TinyLlama.VOCAB + ".bin or tokenizer.bin"), refused.getMessage());
		}
	}

	@Test
	void aMissingFileFailsTheLoadAndTheMessageNamingIt(@TempDir Path dir) {
		Path missing = dir.resolve("absent.gguf");
		try (LocalModel model = service().model(missing, null, CARD, 64)) {
			ChatException e = assertThrows(ChatException.class, () -> model.chat(HELLO, Sampling.greedy(), 4, t -> {
			}, () -> false));
			assertEquals("could not load absent.gguf: no such file: " + missing, e.getMessage());
			assertEquals(LocalModel.State.UNLOADED, model.status().state());
			assertEquals(e.getMessage(), model.status().message());
		}
	}

	/**
	 * The planner's {@code llm:} estimate for a model of the file's shape against the lease the service takes when it
	 * loads the file, and against what the model's compute then holds under it (after an answer, so that what it makes
	 * on use is there too), on the CPU and on a simulated card: one formula, {@link Llama#bytes} and the runtime's GPU
	 * scratch, with the weights counted from the shape there and from the file's tensors here.
	 */
	@Test
	void thePlannersEstimateIsWithinFivePercentOfTheLeaseAndOfWhatTheComputeHoldsOnTheCpuAndOnACard(@TempDir Path dir) throws Exception {
		LlamaConfig c = SyntheticModel.SHAPES.get("tiny256");
		LlmWorkload.Shape shape = new LlmWorkload.Shape(c.layers(), c.dim(), c.hiddenDim(), c.kvDim(), c.heads(), TinyVocab.TOKENS.size(), false);
		for (GgmlType type : List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0)) {
			Path file = tinyModel(dir, type, "tiny256");
			for (String device : List.of("cpu", CARD)) {
				boolean gpu = !device.equals("cpu");
				String what = type + " on " + device;
				// the card books a CUDA GPU's scratch, which its CPU backend does not allocate
				long scratch = gpu ? ComputeRuntime.gpuWorkspaceBytes(Llama.batchTokens(true), Math.max(c.dim(), c.hiddenDim())) : 0;
				try (LocalModel model = service().model(file, "llama-2", device, 128)) {
					model.chat(HELLO, Sampling.greedy(), 4, t -> {
					}, () -> false);
					List<VramLease> leases = leasesOf("llm " + file.getFileName());
					assertEquals(1, leases.size(), what + ": one lease, on the device asked for");
					VramLease lease = leases.get(0);
					assertEquals(device, lease.deviceId());
					try (GgufFile gguf = GgufFile.open(file)) {
						GgufLlama.Model m = GgufLlama.load(gguf);
						assertEquals(Llama.bytes(m.config(), m.weights(), 0, c.layers(), 128, Llama.batchTokens(gpu)) + scratch, lease.bytes(),
								what + ": the lease is the engine's size of the whole model and the runtime's scratch");
					}
					long estimated = new LlmWorkload("tiny256", shape, type.name().toLowerCase(), 128, 0, gpu).bytes();
					assertEquals(1.0, (double) estimated / lease.bytes(), 0.05, what + ": estimate " + estimated + " B, lease " + lease.bytes() + " B");
					long held = lease.allocatedBytes();
					assertTrue(held <= lease.bytes(), what + ": " + held + " B held under a lease of " + lease.bytes() + " B");
					assertEquals(1.0, (double) estimated / (held + scratch), 0.05, what + ": estimate " + estimated + " B, held " + held + " B + scratch " + scratch + " B");
				}
			}
		}
	}

	/** A model that decodes answers together (atelier serve --parallel) leases a cache for each: as the planner's seq=N says. */
	@Test
	void thePlannersEstimateOfAnswersDecodedTogetherIsWithinFivePercentOfTheirLease(@TempDir Path dir) throws Exception {
		LlamaConfig c = SyntheticModel.SHAPES.get("tiny256");
		LlmWorkload.Shape shape = new LlmWorkload.Shape(c.layers(), c.dim(), c.hiddenDim(), c.kvDim(), c.heads(), TinyVocab.TOKENS.size(), false);
		Path file = tinyModel(dir, GgmlType.F16, "tiny256");
		for (String device : List.of("cpu", CARD)) {
			try (LocalModel model = service().model(file, "llama-2", device, 128, 4, null)) {
				model.chat(HELLO, Sampling.greedy(), 4, t -> {
				}, () -> false);
				VramLease lease = leasesOf("llm " + file.getFileName()).get(0);
				long estimated = new LlmWorkload("tiny256", shape, "f16", 128, 0, !device.equals("cpu"), 4).bytes();
				long single = new LlmWorkload("tiny256", shape, "f16", 128, 0, !device.equals("cpu"), 1).bytes();
				assertTrue(estimated > single, device + ": four caches estimated larger than one");
				assertEquals(1.0, (double) estimated / lease.bytes(), 0.05, device + ": estimate " + estimated + " B, lease " + lease.bytes() + " B");
			}
		}
	}

	@Test
	void theKnownSizesHoldThePublishedParameterCounts() {
		Map<String, Double> published = Map.of("1b", 1.10e9, "3b", 3.21e9, "7b", 6.74e9, "8b", 8.03e9, "13b", 13.0e9, "34b", 33.7e9, "70b", 69.0e9);
		published.forEach((size, parameters) -> assertEquals(1.0, LlmWorkload.SHAPES.get(size).matrixWeights() / parameters, 0.01, size));
	}
}
