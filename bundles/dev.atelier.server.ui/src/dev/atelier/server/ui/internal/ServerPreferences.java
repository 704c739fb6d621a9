package dev.atelier.server.ui.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.Preferences;
import dev.atelier.core.Setting;
import dev.atelier.core.SettingsPage;
import dev.atelier.server.LocalServer;

/** Window ▸ Preferences ▸ Server: where the server the IDE starts listens. */
@Component(service = SettingsPage.class)
public final class ServerPreferences implements SettingsPage {

	static final String HOST = "server.host";
	static final String PORT = "server.port";

	@Override
	public String title() {
		return "Server";
	}

	@Override
	public List<Setting> settings() {
		return List.of(
				Setting.text(HOST, "Listen on",
						"The address of the server started from the status line: " + LocalServer.LOOPBACK + " lets only this machine in; any other address"
								+ " needs a key stored with 'atelier serve key', which clients then send",
						LocalServer.LOOPBACK, ServerPreferences::hostProblem),
				Setting.text(PORT, "Port", "The port clients connect to; 0 takes a free one, shown in the status line", Integer.toString(LocalServer.DEFAULT_PORT),
						ServerPreferences::portProblem));
	}

	/** The server's settings from the preferences: a value no one could save (the file edited by hand) is an error naming it. */
	static LocalServer.Settings settings(AtelierEnvironment environment, Preferences preferences) {
		String host = preferences.get(HOST, "").strip();
		String port = preferences.get(PORT, "").strip();
		for (Setting setting : new ServerPreferences().settings()) {
			String problem = setting.check(setting.key().equals(HOST) ? host : port);
			if (problem != null) {
				throw new IllegalArgumentException("Window ▸ Preferences ▸ Server: " + problem);
			}
		}
		return LocalServer.Settings.of(environment, host.isEmpty() ? LocalServer.LOOPBACK : host,
				port.isEmpty() ? LocalServer.DEFAULT_PORT : Integer.parseInt(port));
	}

	static String hostProblem(String value) {
		try {
			URI uri = new URI("http", null, value, 1, null, null, null);
			return uri.getHost() == null ? "'" + value + "' is not a host name or address" : null;
		} catch (URISyntaxException e) {
			return "'" + value + "' is not a host name or address";
		}
	}

	static String portProblem(String value) {
		try {
			int port = Integer.parseInt(value);
			return port >= 0 && port <= 65535 ? null : port + " is not a port: 1 to 65535, or 0 for a free one";
		} catch (NumberFormatException e) {
			return "'" + value + "' is not a port: 1 to 65535, or 0 for a free one";
		}
	}
}
