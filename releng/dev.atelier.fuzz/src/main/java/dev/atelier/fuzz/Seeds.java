package dev.atelier.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufWriter;
import dev.atelier.model.WorkspaceStore;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.JobStatus;
import dev.atelier.model.workspace.Project;
import dev.atelier.model.workspace.Workspace;
import dev.atelier.model.workspace.WorkspaceFactory;
import dev.atelier.testing.checkpoints.TorchPickles;

/**
 * Writes the seed corpus, valid minimal inputs made by the project's own writers where it has them (GGUF, PNG text,
 * workspace XMI, safetensors, torch pickles), into {@code corpus/<target>/seed-*}: {@code run.sh seeds}. Inputs the
 * fuzzer found worth keeping sit beside them under other names.
 */
public final class Seeds {

	private final Path corpus;
	private final Path repo;

	private Seeds(Path corpus, Path repo) {
		this.corpus = corpus;
		this.repo = repo;
	}

	/** {@code CORPUS_DIR REPO_ROOT} */
	public static void main(String[] args) throws IOException {
		Seeds s = new Seeds(Path.of(args[0]), Path.of(args[1]));
		s.gguf();
		s.llama2c();
		s.gltf();
		s.png();
		s.xmi();
		s.diffusers();
		s.checkpoints();
		s.requests();
		s.jinja();
		s.dispatch();
	}

	private void put(String target, String name, byte[] data) throws IOException {
		Path dir = Files.createDirectories(corpus.resolve(target));
		Files.write(dir.resolve("seed-" + name), data);
	}

	private void put(String target, String name, String text) throws IOException {
		put(target, name, text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] floats(int n, float scale) {
		ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < n; i++) {
			b.putFloat(scale * ((i * 7919 % 17) - 8) / 8f);
		}
		return b.array();
	}

	private static final List<String> SPM_TOKENS = List.of("<unk>", "<s>", "</s>", "\u2581", "a", "b", "\u2581a", "\u2581b", "ab", "\u2581ab");

	private void gguf() throws IOException {
		int dim = 4;
		int hidden = 8;
		int vocab = SPM_TOKENS.size();
		GgufWriter llama = new GgufWriter().put("general.architecture", "llama").put("llama.embedding_length", dim)
				.put("llama.feed_forward_length", hidden).put("llama.block_count", 1).put("llama.attention.head_count", 1)
				.put("llama.attention.head_count_kv", 1).put("llama.context_length", 16).put("llama.attention.layer_norm_rms_epsilon", 1e-5f)
				.put("llama.rope.freq_base", 10000f).put("llama.vocab_size", vocab).put("tokenizer.ggml.model", "llama")
				.put("tokenizer.ggml.tokens", SPM_TOKENS).put("tokenizer.ggml.scores", new float[] { 0, 0, 0, -1, -2, -2, -1, -1, -3, -0.5f })
				.put("tokenizer.ggml.token_type", new int[] { 2, 3, 3, 1, 1, 1, 1, 1, 1, 1 }).put("tokenizer.ggml.bos_token_id", 1)
				.put("tokenizer.ggml.eos_token_id", 2).put("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}");
		llama.tensor("token_embd.weight", GgmlType.F32, new long[] { dim, vocab }, floats(dim * vocab, 0.1f));
		llama.tensor("output_norm.weight", GgmlType.F32, new long[] { dim }, floats(dim, 1));
		String p = "blk.0.";
		llama.tensor(p + "attn_norm.weight", GgmlType.F32, new long[] { dim }, floats(dim, 1));
		for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
			llama.tensor(p + m + ".weight", GgmlType.F32, new long[] { dim, dim }, floats(dim * dim, 0.1f));
		}
		llama.tensor(p + "ffn_norm.weight", GgmlType.F32, new long[] { dim }, floats(dim, 1));
		llama.tensor(p + "ffn_gate.weight", GgmlType.F32, new long[] { dim, hidden }, floats(dim * hidden, 0.1f));
		llama.tensor(p + "ffn_up.weight", GgmlType.F32, new long[] { dim, hidden }, floats(dim * hidden, 0.1f));
		llama.tensor(p + "ffn_down.weight", GgmlType.F32, new long[] { hidden, dim }, floats(dim * hidden, 0.1f));
		put("gguf", "llama-spm.gguf", written(llama));

		GgufWriter gpt2 = new GgufWriter().put("general.architecture", "qwen2").put("tokenizer.ggml.model", "gpt2").put("tokenizer.ggml.pre", "qwen2")
				.put("tokenizer.ggml.tokens", List.of("H", "e", "l", "o", "He", "ll", "Hell", "Hello", "\u0120", "w", "\u0120w", "<|im_end|>"))
				.put("tokenizer.ggml.token_type", new int[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3 })
				.put("tokenizer.ggml.merges", List.of("H e", "l l", "He ll", "Hell o", "\u0120 w")).put("tokenizer.ggml.eos_token_id", 11)
				.put("general.count", 3L).put("general.flag", true);
		put("gguf", "gpt2-vocab.gguf", written(gpt2));
		put("gguf", "bert-vocab.gguf", written(new GgufWriter().put("tokenizer.ggml.model", "bert")
				.put("tokenizer.ggml.tokens", List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "##lo", "world")).put("tokenizer.ggml.unknown_token_id", 1)));
	}

	private static byte[] written(GgufWriter w) throws IOException {
		Path tmp = Files.createTempFile("seed", ".gguf");
		try {
			w.write(tmp);
			return Files.readAllBytes(tmp);
		} finally {
			Files.delete(tmp);
		}
	}

	private void llama2c() throws IOException {
		int dim = 4;
		int hidden = 8;
		int layers = 1;
		int vocab = 6;
		int seq = 4;
		for (boolean shared : new boolean[] { true, false }) {
			ByteBuffer header = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
			header.putInt(dim).putInt(hidden).putInt(layers).putInt(1).putInt(1).putInt(shared ? vocab : -vocab).putInt(seq);
			int floats = vocab * dim + layers * (2 * dim + 4 * dim * dim + 3 * dim * hidden) + dim + seq * dim + (shared ? 0 : vocab * dim);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			out.write(header.array());
			out.write(floats(floats, 0.1f));
			put("llama2c-checkpoint", shared ? "shared.bin" : "unshared.bin", out.toByteArray());
		}
		List<String> tokens = List.of("<unk>", "\n<s>\n", "\n</s>\n", " ", "a", "b", " a", "ab", " ab");
		ByteBuffer t = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
		t.putShort((short) (tokens.size() - 1)); // the target's vocabulary size, less one
		t.putInt(8);
		for (int i = 0; i < tokens.size(); i++) {
			byte[] text = tokens.get(i).getBytes(StandardCharsets.UTF_8);
			t.putFloat(-i).putInt(text.length).put(text);
		}
		put("llama2c-tokenizer", "tokenizer.bin", java.util.Arrays.copyOf(t.array(), t.position()));
	}

	private void gltf() throws IOException {
		Path data = repo.resolve("bundles/dev.atelier.viewport.tests/data/gltf");
		String scene = Files.readString(data.resolve("scene.gltf"));
		scene = scene.replace("\"scene.bin\"", "\"data:application/octet-stream;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(data.resolve("scene.bin"))) + "\"");
		try (var textures = Files.list(data.resolve("textures"))) {
			for (Path png : textures.sorted().toList()) {
				String uri = "textures/" + png.getFileName().toString().replace(" ", "%20");
				scene = scene.replace("\"" + uri + "\"", "\"data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png)) + "\"");
			}
		}
		put("gltf", "scene.gltf", scene);
		put("gltf", "triangle.gltf", """
				{"asset":{"version":"2.0"},"scene":0,"scenes":[{"nodes":[0]}],"nodes":[{"mesh":0,"translation":[0,0,-1]}],
				 "meshes":[{"primitives":[{"attributes":{"POSITION":0},"indices":1}]}],
				 "accessors":[{"bufferView":0,"componentType":5126,"count":3,"type":"VEC3","min":[0,0,0],"max":[1,1,0]},
				  {"bufferView":1,"componentType":5123,"count":3,"type":"SCALAR"}],
				 "bufferViews":[{"buffer":0,"byteOffset":0,"byteLength":36},{"buffer":0,"byteOffset":36,"byteLength":6}],
				 "buffers":[{"byteLength":42,"uri":"data:application/octet-stream;base64,AAAAAAAAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAgD8AAAAAAAABAAIA"}]}
				""");
		put("glb", "scene.glb", Files.readAllBytes(data.resolve("scene.glb")));
	}

	private void png() throws IOException {
		RgbImage image = new RgbImage(2, 1);
		image.setRgb(1, 0, 0xff8000);
		put("png", "parameters.png", PngInfo.encode(image, Map.of(PngInfo.PARAMETERS, "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1")));
		put("png", "unicode.png", PngInfo.encode(image, Map.of(PngInfo.PARAMETERS, "ünïcødé 猫", "Software", "Atelier")));
	}

	private void xmi() throws IOException {
		Path dir = Files.createTempDirectory("seed-xmi");
		WorkspaceFactory f = WorkspaceFactory.eINSTANCE;
		Workspace ws = f.createWorkspace();
		Project project = f.createProject();
		project.setName("demo");
		project.setLocation("/tmp/demo");
		project.setCreated(new Date(0));
		ws.getProjects().add(project);
		JobRecord job = f.createJobRecord();
		job.setId("job-1");
		job.setKind("generate");
		job.setDevice("cpu");
		job.setStart(new Date(0));
		job.setEnd(new Date(1000));
		job.setStatus(JobStatus.values()[0]);
		job.setEnergyJoules(1.5);
		job.setMessage("done");
		Path file = dir.resolve("workspace.xmi");
		WorkspaceStore.save(ws, file);
		put("workspace-xmi", "workspace.xmi", Files.readAllBytes(file));
		put("job-record-xmi", "job.xmi", Files.readAllBytes(WorkspaceStore.saveRecord(job, dir)));
		try (var files = Files.list(dir)) {
			for (Path p : files.toList()) {
				Files.delete(p);
			}
		}
		Files.delete(dir);
	}

	private static final String SCHEDULER = """
			{"_class_name":"PNDMScheduler","beta_end":0.012,"beta_schedule":"scaled_linear","beta_start":0.00085,"clip_sample":false,
			 "num_train_timesteps":1000,"prediction_type":"epsilon","set_alpha_to_one":false,"skip_prk_steps":true,"steps_offset":1,
			 "timestep_spacing":"leading","trained_betas":null}
			""";

	private void diffusers() throws IOException {
		put("scheduler-config", "sd15.json", SCHEDULER);
		put("scheduler-config", "sd2-v.json", """
				{"beta_schedule":"squaredcos_cap_v2","num_train_timesteps":100,"prediction_type":"v_prediction","timestep_spacing":"trailing","steps_offset":0}
				""");
		Map<String, String> folder = new LinkedHashMap<>();
		folder.put("model_index.json", "{\"_class_name\":\"OnnxStableDiffusionPipeline\",\"scheduler\":[\"diffusers\",\"PNDMScheduler\"],\"unet\":[\"diffusers\",\"OnnxRuntimeModel\"]}");
		folder.put("scheduler/scheduler_config.json", SCHEDULER.strip());
		folder.put("tokenizer/vocab.json", clipVocab());
		folder.put("tokenizer/merges.txt", "#version: 0.2\na b</w>");
		folder.put("tokenizer/special_tokens_map.json", "{\"pad_token\":\"<|endoftext|>\"}");
		folder.put("vae_decoder/config.json", "{\"scaling_factor\":0.18215,\"latent_channels\":4}");
		folder.put("text_encoder/model.onnx", "in input_ids int32 1,77\nout last_hidden_state float32 1,77,8");
		folder.put("unet/model.onnx", "in sample float32 1,4,8,8\nin timestep int64 1\nin encoder_hidden_states float32 1,77,8\nout out_sample float32 1,4,8,8");
		folder.put("vae_decoder/model.onnx", "in latent_sample float32 1,4,8,8\nout sample float32 1,3,64,64");
		StringBuilder text = new StringBuilder();
		folder.forEach((k, v) -> text.append("=== ").append(k).append('\n').append(v).append('\n'));
		put("diffusers-folder", "pipeline.txt", text.toString());
	}

	/** CLIP's byte-level pieces (GPT-2's byte → character table), each also as a word end, the merge's piece and the specials. */
	private static String clipVocab() {
		List<String> pieces = new ArrayList<>();
		int extra = 0;
		for (int b = 0; b < 256; b++) {
			boolean printable = b >= '!' && b <= '~' || b >= 0xa1 && b <= 0xac || b >= 0xae;
			pieces.add(Character.toString(printable ? b : 256 + extra++));
		}
		StringBuilder json = new StringBuilder("{");
		int id = 0;
		for (String suffix : List.of("", "</w>")) {
			for (String p : pieces) {
				json.append(new com.google.gson.JsonPrimitive(p + suffix)).append(':').append(id++).append(',');
			}
		}
		return json.append("\"ab</w>\":").append(id).append(",\"<|startoftext|>\":49406,\"<|endoftext|>\":49407}").toString();
	}

	private void checkpoints() throws IOException {
		Path dir = Files.createTempDirectory("seed-ckpt");
		Map<String, long[]> shapes = new LinkedHashMap<>();
		shapes.put("model.diffusion_model.input_blocks.0.0.weight", new long[] { 2, 4, 1, 1 });
		shapes.put("first_stage_model.decoder.conv_out.bias", new long[] { 3 });
		Map<String, Object[]> typed = new LinkedHashMap<>();
		typed.put("cond_stage_model.transformer.text_model.embeddings.position_ids", new Object[] { "I64", new long[] { 1, 4 } });
		typed.put("alphas_cumprod", new Object[] { "BF16", new long[] { 4 } });
		put("safetensors", "f16.safetensors", Files.readAllBytes(new SafetensorsWriter().weights(shapes, "F16").typed(typed).write(dir.resolve("a.safetensors"))));
		put("safetensors", "f32-meta.safetensors", Files.readAllBytes(SafetensorsWriter.writeRaw(dir.resolve("b.safetensors"),
				"{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", new byte[16])));

		Map<String, TorchPickles.Tensor> tensors = new LinkedHashMap<>();
		tensors.put("model.diffusion_model.out.2.bias", new TorchPickles.Tensor("FloatStorage", new long[] { 2 }, floats(2, 1)));
		tensors.put("first_stage_model.encoder.conv_in.weight", new TorchPickles.Tensor("HalfStorage", new long[] { 1, 2 }, new byte[4]));
		tensors.put("cond_stage_model.x", new TorchPickles.Tensor("BFloat16Storage", new long[] { 2, 1 }, new byte[4]));
		Path zip = TorchPickles.writeZip(dir.resolve("a.ckpt"), tensors);
		put("ckpt", "zip.ckpt", Files.readAllBytes(zip));
		put("ckpt", "legacy.ckpt", Files.readAllBytes(TorchPickles.writeLegacy(dir.resolve("b.ckpt"), tensors)));
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
				if (e.getName().endsWith("data.pkl")) {
					put("ckpt-pickle", "state-dict.pkl", in.readAllBytes());
				}
			}
		}
		try (var files = Files.list(dir)) {
			for (Path p : files.toList()) {
				Files.delete(p);
			}
		}
		Files.delete(dir);
	}

	private void requests() throws IOException {
		List<String> llm = new ArrayList<>();
		llm.add("{\"model\":\"tiny\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],"
				+ "\"max_tokens\":8,\"temperature\":0.5,\"top_p\":0.9,\"seed\":1,\"stop\":[\"\\n\"],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
		llm.add("{\"model\":\"tiny:latest\",\"prompt\":\"Once upon\",\"max_tokens\":4,\"n\":1,\"stop\":\"x\"}");
		llm.add("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"keep_alive\":\"5m\",\"options\":{\"num_predict\":4,\"top_k\":40,"
				+ "\"min_p\":0.05,\"repeat_penalty\":1.1,\"stop\":[\"a\",\"b\"]},\"stream\":false,\"format\":\"\"}");
		llm.add("{\"model\":\"tiny\",\"prompt\":\"hello\",\"system\":\"sys\",\"raw\":false,\"keep_alive\":-1,\"images\":[]}");
		for (int i = 0; i < llm.size(); i++) {
			put("server-llm-request", "endpoint-" + i + ".json", withSelector(i, llm.get(i)));
		}
		RgbImage image = new RgbImage(1, 1);
		String png = Base64.getEncoder().encodeToString(PngInfo.encode(image, Map.of()));
		List<String> images = List.of(
				"{\"prompt\":\"a cat\",\"negative_prompt\":\"dog\",\"seed\":-1,\"steps\":20,\"cfg_scale\":7,\"width\":512,\"height\":512,\"batch_size\":1,"
						+ "\"n_iter\":2,\"sampler_name\":\"Euler a\",\"override_settings\":{\"sd_model_checkpoint\":\"sd [abc123]\"},\"send_images\":true}",
				"{\"prompt\":\"a cat\",\"init_images\":[\"data:image/png;base64," + png + "\"],\"denoising_strength\":0.5,\"sampler_index\":\"DDIM\"}",
				"{\"sd_model_checkpoint\":\"sd\"}",
				"{\"prompt\":\"a cat\",\"n\":1,\"size\":\"512x512\",\"response_format\":\"b64_json\",\"model\":\"sd\"}");
		for (int i = 0; i < images.size(); i++) {
			put("server-image-request", "endpoint-" + i + ".json", withSelector(i, images.get(i)));
		}
	}

	private static byte[] withSelector(int endpoint, String body) {
		byte[] json = body.getBytes(StandardCharsets.UTF_8);
		byte[] out = new byte[json.length + 1];
		out[0] = (byte) endpoint;
		System.arraycopy(json, 0, out, 1, json.length);
		return out;
	}

	/** Chat templates in the shapes models ship: ChatML, Llama 3's header tokens, a refusal of roles, macros and filters. */
	private void jinja() throws IOException {
		put("jinja-template", "chatml.jinja", "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
				+ "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
		put("jinja-template", "headers.jinja", "{% set loop_messages = messages %}{% for message in loop_messages %}"
				+ "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' %}"
				+ "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
				+ "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}");
		put("jinja-template", "alternating.jinja", "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set system = messages[0]['content'] %}"
				+ "{% set rest = messages[1:] %}{% else %}{% set rest = messages %}{% endif %}{% for message in rest %}"
				+ "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('roles must alternate user/assistant') }}{% endif %}"
				+ "{% if message['role'] == 'user' %}{{ '[INST] ' + (system + '\\n\\n' if loop.first and system is defined else '') + message['content'] + ' [/INST]' }}"
				+ "{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}");
		put("jinja-template", "macros.jinja", "{% macro turn(role, text) -%}<{{ role | upper }}>{{ text | replace('\\n', ' ') | truncate(40) }}"
				+ "{%- endmacro %}{% set ns = namespace(n=0) %}{% for m in messages if m.role != 'system' %}{% set ns.n = ns.n + 1 %}"
				+ "{{ turn(m.role, m.content) }}{% endfor %}{{ ns.n }} {{ messages | length }} {{ messages | map(attribute='role') | join(',') }}"
				+ "{{ '%d' | format(3) }}{{ range(3) | list }}{{ {'a': 1}.items() | list }}{{ 'x'.startswith('x') }}{{ 'A b'.split(' ') }}");
	}

	/** Raw HTTP requests for the dispatch: with and without the key, a CORS preflight, a body over the limit, two on one connection. */
	private void dispatch() throws IOException {
		String key = "Authorization: Bearer sk-fuzz-0123456789\r\n";
		String chat = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
		put("server-dispatch", "chat.http", post("/v1/chat/completions", key + "Origin: https://app.example\r\n", chat));
		put("server-dispatch", "no-key.http", post("/api/generate", "", "{\"model\":\"tiny\",\"prompt\":\"hi\"}"));
		put("server-dispatch", "wrong-key.http", "GET /v1/models HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer nope\r\n\r\n");
		put("server-dispatch", "preflight.http", "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n"
				+ "Access-Control-Request-Method: POST\r\n\r\n");
		put("server-dispatch", "too-big.http", post("/api/chat", key, "{\"model\":\"tiny\",\"messages\":[],\"pad\":\"" + "x".repeat(600) + "\"}"));
		put("server-dispatch", "pipelined.http", "GET /api/version HTTP/1.1\r\nHost: localhost\r\n" + key + "\r\n"
				+ "GET /nowhere HTTP/1.1\r\nHost: localhost\r\n" + key + "\r\n");
	}

	private static String post(String path, String headers, String body) {
		return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Content-Type: application/json\r\nContent-Length: "
				+ body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
	}
}
