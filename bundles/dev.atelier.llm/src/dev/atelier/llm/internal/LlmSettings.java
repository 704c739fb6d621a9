package dev.atelier.llm.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.atelier.cli.Durations;
import dev.atelier.core.Setting;
import dev.atelier.core.SettingsPage;
import dev.atelier.llm.LlmService;

/** Window ▸ Preferences ▸ Assistant: how long an idle model stays loaded. */
@Component(service = SettingsPage.class)
public final class LlmSettings implements SettingsPage {

	@Override
	public String title() {
		return "Assistant";
	}

	@Override
	public List<Setting> settings() {
		return List.of(Setting.text(LlmService.KEEP_ALIVE, "Keep a model loaded for",
				"Idle time before a loaded model is unloaded and its VRAM freed: such as 30s, 5m, 1h; 0 unloads at once, -1 never",
				Durations.format(LlmService.DEFAULT_KEEP_ALIVE), LlmSettings::keepAliveProblem));
	}

	/** The values {@link LocalModels#keepAlive()} takes: -1, or a duration. */
	static String keepAliveProblem(String value) {
		if (value.equals("-1")) {
			return null;
		}
		try {
			Durations.parse(value);
			return null;
		} catch (IllegalArgumentException e) {
			return e.getMessage();
		}
	}
}
