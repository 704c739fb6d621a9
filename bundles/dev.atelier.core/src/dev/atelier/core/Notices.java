package dev.atelier.core;

import java.util.List;
import java.util.function.Consumer;

/**
 * Conditions the user should see until they pass (a GPU running hot, a device lost): posted by any bundle
 * under a key, replaced by a newer post under the same key, removed when cleared. The status line shows them.
 */
public interface Notices {

	enum Severity {
		INFO, WARNING, ERROR
	}

	record Notice(String key, Severity severity, String text, long epochMillis) {
	}

	void post(String key, Severity severity, String text);

	void clear(String key);

	/** Current notices, newest last. */
	List<Notice> current();

	/** Hears of every post and clear, on the posting thread. */
	void addListener(Consumer<List<Notice>> listener);

	void removeListener(Consumer<List<Notice>> listener);
}
