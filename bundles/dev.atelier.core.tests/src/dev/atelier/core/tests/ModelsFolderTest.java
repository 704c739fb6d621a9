package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.internal.PropertiesPreferences;

class ModelsFolderTest {

	@TempDir
	Path dir;

	@Test
	void withoutThePreferenceModelsAreTheWorkspacesModelsFolderWithAFolderPerKind() {
		AtelierPaths workspace = new AtelierPaths(dir);
		assertEquals(dir.resolve("models"), ModelsFolder.root(workspace));
		assertEquals(dir.resolve("models/llm"), ModelsFolder.llm(dir, PropertiesPreferences.at(workspace.preferencesFile())));
		assertEquals(dir.resolve("models/checkpoints"), ModelsFolder.checkpoints(dir, null));
		assertEquals(dir.resolve("models/loras"), ModelsFolder.loras(dir, null));
		assertEquals(dir.resolve("models/controlnet"), ModelsFolder.controlNets(dir, null));
		assertEquals(dir.resolve("models/vae"), ModelsFolder.vaes(dir, null));
	}

	@Test
	void theWorkspacesPreferencesFileNamesAnotherFolder() throws IOException {
		AtelierPaths workspace = new AtelierPaths(dir.resolve("ws"));
		PropertiesPreferences prefs = PropertiesPreferences.at(workspace.preferencesFile());
		prefs.put(ModelsFolder.PREFERENCE, " " + dir.resolve("elsewhere") + " ");
		prefs.save();
		assertEquals(dir.resolve("elsewhere"), ModelsFolder.root(workspace));
	}

	@Test
	void listsGgufFilesByNameAndNothingWhereTheFolderIsMissing() throws IOException {
		Path llm = Files.createDirectories(dir.resolve("llm"));
		Files.writeString(llm.resolve("b.gguf"), "");
		Files.writeString(llm.resolve("a.gguf"), "");
		Files.writeString(llm.resolve("notes.txt"), "");
		Files.createDirectories(llm.resolve("dir.gguf"));
		assertEquals(List.of(llm.resolve("a.gguf"), llm.resolve("b.gguf")), ModelsFolder.ggufFiles(llm));
		assertEquals(List.of(), ModelsFolder.ggufFiles(dir.resolve("absent")));
	}

	@Test
	void stableDiffusionModelsAreCheckpointFilesAndPipelineFoldersByName() throws IOException {
		Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
		Files.writeString(Files.createDirectories(checkpoints.resolve("tiny-sd")).resolve("model_index.json"), "{}");
		Files.writeString(checkpoints.resolve("v1-5-pruned-emaonly.safetensors"), "");
		Files.writeString(checkpoints.resolve("Old.CKPT"), "");
		Files.writeString(checkpoints.resolve("v1-5-pruned-emaonly.yaml"), "");
		Files.createDirectories(checkpoints.resolve("folder.safetensors"));
		Files.createDirectories(checkpoints.resolve("half-copied"));
		assertEquals(List.of(checkpoints.resolve("Old.CKPT"), checkpoints.resolve("tiny-sd"), checkpoints.resolve("v1-5-pruned-emaonly.safetensors")),
				ModelsFolder.stableDiffusionModels(checkpoints));
		Path vae = Files.createDirectories(dir.resolve("vae"));
		Files.writeString(vae.resolve("ft-mse.safetensors"), "");
		Files.writeString(vae.resolve("kl-f8.pt"), "");
		Files.writeString(vae.resolve("readme.md"), "");
		assertEquals(List.of(vae.resolve("ft-mse.safetensors"), vae.resolve("kl-f8.pt")), ModelsFolder.files(vae, ".safetensors", ".ckpt", ".pt"));
		assertEquals(List.of(), ModelsFolder.stableDiffusionModels(dir.resolve("absent")));
	}
}
