package dev.atelier.llm.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.SampleModel;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.gguf.GgmlType;

/**
 * The Assistant's model to try: {@code atelier llm synth}'s tiny shape with the Assistant's 4096-token context, random
 * weights and a vocabulary of bytes (no vocabulary file needed), about half a megabyte in {@code llm/} of the models
 * folder. It answers noise, quickly: enough to see a model load, stream and stop.
 */
@Component(service = SampleModel.class)
public final class TinyLlamaSample implements SampleModel {

	static final String FILE = "atelier-tiny-random.gguf";

	@Override
	public String description() {
		return "a tiny random-weight Llama (GGUF, " + FILE + ") for the Assistant";
	}

	@Override
	public Path write(Path modelsFolder, JobContext job) throws IOException {
		return SampleModel.writeOnce(modelsFolder.resolve("llm").resolve(FILE), job, temp -> SyntheticModel.write(temp, "tiny4k", GgmlType.F32, SyntheticModel.byteVocabulary(), 1));
	}
}
