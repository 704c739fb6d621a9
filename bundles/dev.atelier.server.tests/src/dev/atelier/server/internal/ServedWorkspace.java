package dev.atelier.server.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.server.Limits;

/** A server with the default limits over a workspace with the tiny model, for the tests of one API's endpoints. */
abstract class ServedWorkspace {

	@TempDir
	static Path dir;
	static TestServer server;

	@BeforeAll
	static void start() throws Exception {
		server = TestServer.start(TestServer.workspace(dir), null, null, Limits.DEFAULT);
	}

	@AfterAll
	static void stop() throws Exception {
		server.close();
	}
}
