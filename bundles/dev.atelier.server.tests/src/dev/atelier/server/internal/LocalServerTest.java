package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.server.Limits;
import dev.atelier.server.LocalServer;
import dev.atelier.testing.Services;

/** The process's one server, the service {@code atelier serve} and the IDE's toggle start and stop. */
class LocalServerTest {

	@TempDir
	static Path dir;
	static LocalServer server;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void workspace() throws Exception {
		TestServer.workspace(dir);
		server = Services.await(LocalServerTest.class, LocalServer.class);
	}

	@AfterEach
	void stop() {
		server.stop();
		http.close();
	}

	private static LocalServer.Settings on(String host, int port) {
		return new LocalServer.Settings(new TestServer.Environment(TestServer.VERSION, new AtelierPaths(dir), List.of()), host, port, null, null, "cpu", 256,
				Limits.DEFAULT);
	}

	private HttpResponse<String> get(URI address, String path, String... headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(address.resolve(path));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void startedOnPortZeroItAnswersOnAFreePortAndStopFreesThePort() throws Exception {
		List<Optional<LocalServer.Running>> heard = new CopyOnWriteArrayList<>();
		Consumer<Optional<LocalServer.Running>> listener = heard::add;
		server.addListener(listener);
		try {
			LocalServer.Running running = server.start(on(LocalServer.LOOPBACK, 0));
			int port = running.address().getPort();
			assertTrue(port > 0, running.address().toString());
			assertEquals("http://127.0.0.1:" + port + "/", running.address().toString());
			assertEquals(dir.resolve("models"), running.models());
			assertFalse(running.keyed());
			assertEquals(Optional.of(running), server.running());
			HttpResponse<String> version = get(running.address(), "/api/version");
			assertEquals(200, version.statusCode());
			assertTrue(version.body().contains(TestServer.VERSION), version.body());

			server.stop();
			assertEquals(Optional.empty(), server.running());
			assertEquals(List.of(Optional.of(running), Optional.empty()), heard);
			assertThrows(ConnectException.class, () -> get(running.address(), "/api/version"));
			try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				assertEquals(port, again.getLocalPort(), "the port is free once stop returns");
			}
		} finally {
			server.removeListener(listener);
		}
	}

	@Test
	void aSecondStartWhileItRunsIsRefusedNamingTheAddressAndTheFirstGoesOn() throws Exception {
		LocalServer.Running running = server.start(on(LocalServer.LOOPBACK, 0));
		IllegalStateException again = assertThrows(IllegalStateException.class, () -> server.start(on(LocalServer.LOOPBACK, 0)));
		assertEquals("the server runs already at " + running.address() + ": stop it first", again.getMessage());
		assertEquals(200, get(running.address(), "/v1/models").statusCode());
		assertEquals(Optional.of(running), server.running());
	}

	@Test
	void aTakenPortIsAnErrorNamingThePortAndNothingIsLeftRunning() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			IOException e = assertThrows(IOException.class, () -> server.start(on(LocalServer.LOOPBACK, taken.getLocalPort())));
			assertTrue(e.getMessage().startsWith("port " + taken.getLocalPort() + " on 127.0.0.1 is taken"), e.getMessage());
			assertTrue(e.getMessage().endsWith("choose another port, or 0 for a free one"), e.getMessage());
			assertEquals(Optional.empty(), server.running());
		}
		LocalServer.Running next = server.start(on(LocalServer.LOOPBACK, 0));
		assertEquals(200, get(next.address(), "/api/version").statusCode());
	}

	@Test
	void aHostOffLoopbackWithoutAKeyIsRefusedBeforeTheWorkspaceIsOpened() {
		Path never = dir.resolve("never");
		LocalServer.Settings settings = new LocalServer.Settings(new TestServer.Environment(TestServer.VERSION, new AtelierPaths(never), List.of()), "0.0.0.0",
				0, null, null, "cpu", 256, Limits.DEFAULT);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.start(settings));
		assertTrue(e.getMessage().startsWith("0.0.0.0 is not a loopback address, so other machines could reach the server: it needs an API key"), e.getMessage());
		assertEquals(Optional.empty(), server.running());
		assertFalse(Files.exists(never), "the workspace was not made");
	}

	@Test
	void theKeyStoredWithServeKeyLetsItListenOffLoopbackAndEveryClientMustSendIt() throws Exception {
		SecretStore secrets = Services.await(LocalServerTest.class, SecretStore.class);
		secrets.put(ServerHost.KEY_PATH, ServerHost.KEY_NAME, "sk-stored-4711");
		try {
			LocalServer.Running running = server.start(on("0.0.0.0", 0));
			assertTrue(running.keyed() && running.storedKey(), running.toString());
			URI local = URI.create("http://127.0.0.1:" + running.address().getPort() + "/");
			assertEquals(401, get(local, "/v1/models").statusCode());
			assertEquals(200, get(local, "/v1/models", "Authorization", "Bearer sk-stored-4711").statusCode());
		} finally {
			secrets.remove(ServerHost.KEY_PATH);
		}
	}

	@Test
	void aClientsChatIsAJobOfTheProcesssJobServiceWhichTheIdesJobsViewShows() throws Exception {
		JobService jobs = Services.await(LocalServerTest.class, JobService.class);
		List<JobHandle<?>> seen = new CopyOnWriteArrayList<>();
		JobService.JobListener listener = job -> {
			if (job.name().equals("serve chat tiny") && job.state().isDone() && !seen.contains(job)) {
				seen.add(job);
			}
		};
		jobs.addListener(listener);
		try {
			LocalServer.Running running = server.start(on(LocalServer.LOOPBACK, 0));
			HttpResponse<String> reply = http.send(HttpRequest.newBuilder(running.address().resolve("/v1/chat/completions"))
					.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
					.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
			assertEquals(200, reply.statusCode(), reply.body());
			while (seen.isEmpty()) {
				Thread.onSpinWait();
			}
			assertEquals(JobState.SUCCEEDED, seen.getFirst().state());
		} finally {
			jobs.removeListener(listener);
		}
	}
}
