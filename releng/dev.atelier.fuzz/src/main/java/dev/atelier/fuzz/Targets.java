package dev.atelier.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every fuzz target by the name its corpus folder and run.sh use. */
public final class Targets {

	private Targets() {
	}

	public static Map<String, String> all() {
		Map<String, String> all = new LinkedHashMap<>();
		all.put("gguf", GgufTarget.class.getName());
		all.put("llama2c-checkpoint", Llama2cCheckpointTarget.class.getName());
		all.put("llama2c-tokenizer", Llama2cTokenizerTarget.class.getName());
		all.put("gltf", GltfTarget.class.getName());
		all.put("glb", GlbTarget.class.getName());
		all.put("png", PngTarget.class.getName());
		all.put("png-decode", PngDecodeTarget.class.getName());
		all.put("workspace-xmi", WorkspaceXmiTarget.class.getName());
		all.put("job-record-xmi", JobRecordXmiTarget.class.getName());
		all.put("scheduler-config", SchedulerConfigTarget.class.getName());
		all.put("diffusers-folder", DiffusersFolderTarget.class.getName());
		all.put("safetensors", SafetensorsTarget.class.getName());
		all.put("ckpt", CkptTarget.class.getName());
		all.put("ckpt-pickle", CkptPickleTarget.class.getName());
		all.put("server-llm-request", "dev.atelier.server.internal.ServerLlmRequestTarget");
		all.put("server-image-request", "dev.atelier.server.diffusion.internal.ServerImageRequestTarget");
		all.put("server-dispatch", "dev.atelier.server.internal.ServerDispatchTarget");
		all.put("jinja-template", JinjaTemplateTarget.class.getName());
		return all;
	}

	/** Prints {@code NAME CLASS} lines, for run.sh. */
	public static void main(String[] args) {
		all().forEach((name, target) -> System.out.println(name + " " + target));
	}
}
