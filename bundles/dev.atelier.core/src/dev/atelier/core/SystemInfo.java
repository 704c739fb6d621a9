package dev.atelier.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about Atelier and the machine it runs on, shown by {@code atelier info} and the About dialog. */
public final class SystemInfo {

	private SystemInfo() {
	}

	/** Ordered name/value pairs: Atelier's own facts, then each contributor's (devices, …). */
	public static Map<String, String> describe(AtelierEnvironment env, Iterable<InfoContributor> contributors) {
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("atelier", env.version());
		facts.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
				+ System.getProperty("java.vm.name") + ")");
		facts.put("javaHome", System.getProperty("java.home"));
		facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		facts.put("workspace", env.paths().workspaceRoot().toString());
		for (InfoContributor contributor : contributors) {
			try {
				contributor.facts().forEach(facts::putIfAbsent);
			} catch (RuntimeException e) {
				facts.put(contributor.getClass().getName(), "failed: " + e);
			}
		}
		facts.putIfAbsent("devices", "no device service installed");
		return facts;
	}
}
