package dev.atelier.server.ui.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.Preferences;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.server.LocalServer;

/**
 * The IDE's switch for the process's {@link LocalServer}, shared by the menu's command and the status line: starts and
 * stops it in jobs (never on the UI thread), on the address the preferences give, and keeps why the last start failed.
 */
@Component(service = ServerToggle.class)
public final class ServerToggle {

	/** What the status line shows: the server while it runs, whether a start or stop is under way, the last failure. */
	record State(Optional<LocalServer.Running> running, boolean busy, String problem) {
	}

	private final LocalServer server;
	private final JobService jobs;
	private final Supplier<LocalServer.Settings> settings;
	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
	private final Consumer<Optional<LocalServer.Running>> serverListener = running -> changed();
	private boolean busy;
	private String problem;

	@Activate
	public ServerToggle(@Reference LocalServer server, @Reference JobService jobs, @Reference Preferences preferences,
			@Reference AtelierEnvironment environment) {
		this(server, jobs, () -> ServerPreferences.settings(environment, preferences));
	}

	ServerToggle(LocalServer server, JobService jobs, Supplier<LocalServer.Settings> settings) {
		this.server = server;
		this.jobs = jobs;
		this.settings = settings;
		server.addListener(serverListener);
	}

	@Deactivate
	void deactivate() {
		server.removeListener(serverListener);
	}

	synchronized State state() {
		return new State(server.running(), busy, problem);
	}

	/**
	 * Stops the server where it runs, else starts it; nothing while a start or stop is under way. The job, if one was
	 * submitted.
	 */
	Optional<JobHandle<?>> toggle() {
		JobHandle<?> job;
		synchronized (this) {
			if (busy) {
				return Optional.empty();
			}
			busy = true;
			problem = null;
			job = server.running().isPresent() ? jobs.submit("Stop the local server", ctx -> {
				server.stop();
				return null;
			}) : jobs.submit("Start the local server", ctx -> server.start(settings.get()));
		}
		job.result().whenComplete((done, failure) -> {
			synchronized (this) {
				busy = false;
				problem = failure == null ? null : message(failure);
			}
			changed();
		});
		changed();
		return Optional.of(job);
	}

	/** {@code listener} hears each change of {@link #state()}, on the thread that made it. */
	void addListener(Runnable listener) {
		listeners.add(listener);
	}

	void removeListener(Runnable listener) {
		listeners.remove(listener);
	}

	private void changed() {
		listeners.forEach(Runnable::run);
	}

	/** The server's own messages say what is wrong and what to do; anything else is named by its type. */
	private static String message(Throwable failure) {
		Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
		String text = cause.getMessage();
		return text == null || text.isBlank() ? cause.getClass().getSimpleName() : text;
	}
}
