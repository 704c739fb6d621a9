package dev.atelier.server.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.jobs.JobService;
import dev.atelier.server.LocalServer;
import dev.atelier.testing.MemoryPreferences;
import dev.atelier.testing.Services;
import dev.atelier.testing.TestEnvironment;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.JobThreads;

/** The status line's server over the process's real {@link LocalServer}, in a plain shell. */
class ServerStatusTest {

	@TempDir
	Path workspace;

	private LocalServer server;
	private JobService jobs;
	private Display display;
	private Shell shell;
	private ServerToggle toggle;
	private ServerStatus status;

	@BeforeEach
	void services() throws InterruptedException {
		server = Services.await(ServerStatusTest.class, LocalServer.class);
		jobs = Services.await(ServerStatusTest.class, JobService.class);
		display = Display.getDefault();
	}

	@AfterEach
	void close() {
		if (toggle != null) {
			toggle.deactivate();
		}
		if (shell != null) {
			shell.dispose();
		}
		server.stop();
	}

	private void show(Supplier<LocalServer.Settings> settings) {
		toggle = new ServerToggle(server, jobs, settings);
		shell = new Shell(display);
		shell.setLayout(new FillLayout());
		status = new ServerStatus(toggle, new DisplaySynchronize(display), null);
		status.create(shell);
		shell.pack();
		shell.open();
	}

	private LocalServer.Settings loopbackOn(int port) {
		return LocalServer.Settings.of(TestEnvironment.at(workspace), LocalServer.LOOPBACK, port);
	}

	@Test
	void startShowsTheAddressWhichAnswersAndStopShowsServerOffBothInJobsOffTheUiThread() throws Exception {
		show(() -> loopbackOn(0));
		assertEquals("Server off", status.state.getText());
		assertEquals("Start", status.onOff.getText());
		assertFalse(status.copy.isEnabled());
		try (JobThreads threads = JobThreads.watch(jobs, display); HttpClient http = HttpClient.newHttpClient()) {
			Displays.click(status.onOff);
			Displays.spinUntil(display, () -> status.state.getText().startsWith("Server: http://"));
			URI address = server.running().orElseThrow().address();
			assertEquals("Server: " + address, status.state.getText());
			assertTrue(address.toString().startsWith("http://127.0.0.1:"), address.toString());
			assertEquals("Stop", status.onOff.getText());
			assertTrue(status.copy.isEnabled());
			assertEquals(200, http.send(HttpRequest.newBuilder(address.resolve("/api/version")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

			Displays.click(status.onOff);
			Displays.spinUntil(display, () -> status.state.getText().equals("Server off"));
			assertTrue(server.running().isEmpty());
			assertEquals(false, threads.started().get("Start the local server"), "started in a job, not on the UI thread");
			assertEquals(false, threads.started().get("Stop the local server"), "stopped in a job, not on the UI thread");
		}
		assertEquals("", status.problem.getText());
	}

	@Test
	void aTakenPortIsShownInTheStatusLineAndTheServerStaysOff() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			show(() -> loopbackOn(taken.getLocalPort()));
			Displays.click(status.onOff);
			Displays.spinUntil(display, () -> !status.problem.getText().isEmpty());
			assertTrue(status.problem.getText().startsWith("port " + taken.getLocalPort() + " on 127.0.0.1 is taken"), status.problem.getText());
			assertEquals("Server off", status.state.getText());
			assertTrue(status.onOff.isEnabled(), "another try is one click away");
		}
	}

	@Test
	void aHostOffLoopbackWithoutAStoredKeyIsRefusedAndSaysWhatToDo() {
		MemoryPreferences preferences = new MemoryPreferences();
		preferences.put(ServerPreferences.HOST, "0.0.0.0");
		preferences.put(ServerPreferences.PORT, "0");
		show(() -> ServerPreferences.settings(TestEnvironment.at(workspace.resolve("none")), preferences));
		Displays.click(status.onOff);
		Displays.spinUntil(display, () -> !status.problem.getText().isEmpty());
		assertTrue(status.problem.getText().startsWith("0.0.0.0 is not a loopback address"), status.problem.getText());
		assertTrue(status.problem.getText().contains("'atelier serve key'"), status.problem.getText());
		assertTrue(server.running().isEmpty());
	}

	@Test
	void thePreferencesDefaultToLoopbackOn8080AndABadPortNamesThePage() {
		MemoryPreferences preferences = new MemoryPreferences();
		LocalServer.Settings defaults = ServerPreferences.settings(TestEnvironment.at(workspace), preferences);
		assertEquals(LocalServer.LOOPBACK, defaults.host());
		assertEquals(8080, defaults.port());
		preferences.put(ServerPreferences.PORT, "70000");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerPreferences.settings(TestEnvironment.at(workspace), preferences));
		assertEquals("Window ▸ Preferences ▸ Server: Port: 70000 is not a port: 1 to 65535, or 0 for a free one", e.getMessage());
		assertEquals("'local host' is not a host name or address", ServerPreferences.hostProblem("local host"));
	}
}
