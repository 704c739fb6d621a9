package dev.atelier.core.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.Setting;
import dev.atelier.core.SettingsPage;
import dev.atelier.core.outputs.Outputs;

/** Window ▸ Preferences ▸ Workspace: where models live and where outputs go. */
@Component(service = SettingsPage.class)
public final class WorkspaceSettings implements SettingsPage {

	private final AtelierEnvironment env;

	@Activate
	public WorkspaceSettings(@Reference AtelierEnvironment env) {
		this.env = env;
	}

	@Override
	public String title() {
		return "Workspace";
	}

	@Override
	public List<Setting> settings() {
		return List.of(Setting.folder(ModelsFolder.PREFERENCE, "Models folder",
				"Holds llm/ (GGUF files) and checkpoints/ (Stable Diffusion), which the views and atelier serve list",
				ModelsFolder.root(env.paths().workspaceRoot(), null).toString()),
				Setting.folder(Outputs.PREFERENCE, "Outputs folder",
						"Where images and renders are written, a folder per kind (diffusion/, render/), which the Gallery lists",
						Outputs.ofWorkspace(env.paths().workspaceRoot()).root().toString()));
	}
}
