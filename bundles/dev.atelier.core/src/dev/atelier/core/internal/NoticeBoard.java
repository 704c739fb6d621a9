package dev.atelier.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.Notices;

@Component(service = Notices.class)
public final class NoticeBoard implements Notices {

	private final Map<String, Notice> notices = new LinkedHashMap<>();
	private final List<Consumer<List<Notice>>> listeners = new CopyOnWriteArrayList<>();

	@Override
	public void post(String key, Severity severity, String text) {
		List<Notice> now;
		synchronized (this) {
			notices.remove(key);
			notices.put(key, new Notice(key, severity, text, System.currentTimeMillis()));
			now = List.copyOf(notices.values());
		}
		listeners.forEach(l -> l.accept(now));
	}

	@Override
	public void clear(String key) {
		List<Notice> now;
		synchronized (this) {
			if (notices.remove(key) == null) {
				return;
			}
			now = List.copyOf(notices.values());
		}
		listeners.forEach(l -> l.accept(now));
	}

	@Override
	public synchronized List<Notice> current() {
		return new ArrayList<>(notices.values());
	}

	@Override
	public void addListener(Consumer<List<Notice>> listener) {
		listeners.add(listener);
	}

	@Override
	public void removeListener(Consumer<List<Notice>> listener) {
		listeners.remove(listener);
	}
}
