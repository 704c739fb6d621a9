package dev.atelier.llm.internal.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP/1.1 server for the tests that answers each connection with the next script: it reads the request,
 * then writes the script's bytes in the pieces it gives (chunked transfer encoding where asked), pausing or
 * dropping the connection where told, so that the client meets the wire format as servers really send it.
 */
public final class ScriptedServer implements AutoCloseable {

	/** What one connection gets. */
	public interface Script {
		void answer(OutputStream out, Socket socket) throws IOException, InterruptedException;
	}

	private final ServerSocket socket;
	private final List<Script> scripts;
	final List<String> requests = new CopyOnWriteArrayList<>();
	private final Thread thread;

	public ScriptedServer(List<Script> scripts) throws IOException {
		this.socket = new ServerSocket(0);
		this.scripts = new ArrayList<>(scripts);
		this.thread = Thread.ofPlatform().daemon().start(this::serve);
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
	}

	private void serve() {
		for (Script script : scripts) {
			Socket s;
			try {
				s = socket.accept();
			} catch (IOException e) {
				return; // closed
			}
			try (s) {
				requests.add(readRequest(s.getInputStream()));
				script.answer(s.getOutputStream(), s);
			} catch (IOException e) {
				// the client hung up early (as it does after a bad event): on to the next script
			} catch (InterruptedException e) {
				return;
			}
		}
	}

	private static String readRequest(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
		}
		String headers = head.toString(StandardCharsets.ISO_8859_1);
		int length = 0;
		for (String line : headers.split("\r\n")) {
			if (line.toLowerCase().startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(15).strip());
			}
		}
		return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

	/** A complete response with a body, in one piece. */
	public static Script body(int status, String contentType, String body) {
		return (out, s) -> {
			byte[] b = body.getBytes(StandardCharsets.UTF_8);
			out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			out.write(b);
			out.flush();
		};
	}

	/**
	 * An event stream in chunked transfer encoding, cut every {@code every} bytes (so cuts fall inside lines, JSON and
	 * UTF-8 characters); {@code pauseMillis} after each chunk.
	 */
	static Script events(String stream, int every, long pauseMillis) {
		return chunked(stream, every, () -> Thread.sleep(pauseMillis));
	}

	/**
	 * The event stream as {@link #events}, stalled after its first chunk until {@code resume} opens (a minute at most),
	 * so that a test decides when the server's next chunk may come rather than racing a pause.
	 */
	static Script stalled(String stream, int every, CountDownLatch resume) {
		return chunked(stream, every, () -> resume.await(1, TimeUnit.MINUTES));
	}

	private interface Pause {
		void after() throws InterruptedException;
	}

	private static Script chunked(String stream, int every, Pause pause) {
		return (out, s) -> {
			out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
					.getBytes(StandardCharsets.ISO_8859_1));
			byte[] b = stream.getBytes(StandardCharsets.UTF_8);
			for (int at = 0; at < b.length; at += every) {
				int n = Math.min(every, b.length - at);
				out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
				out.write(b, at, n);
				out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
				out.flush();
				pause.after();
			}
			out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
		};
	}

	/** An event stream that repeats {@code event} every {@code pauseMillis} until the client hangs up. */
	public static Script endless(String event, long pauseMillis) {
		return (out, s) -> {
			out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			byte[] b = event.getBytes(StandardCharsets.UTF_8);
			while (true) { // ends with the IOException of a closed connection, or the server's interrupt
				out.write(b);
				out.flush();
				Thread.sleep(pauseMillis);
			}
		};
	}

	/** Starts an event stream, sends {@code before}, then resets the connection. */
	static Script drop(String before) {
		return (out, s) -> {
			out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			out.write(before.getBytes(StandardCharsets.UTF_8));
			out.flush();
			Thread.sleep(100);
			s.setSoLinger(true, 0); // close with a reset, as a crashed server does
		};
	}

	@Override
	public void close() throws IOException {
		socket.close();
		thread.interrupt();
	}
}
