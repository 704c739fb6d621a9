package dev.atelier.ui.internal;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;

import java.util.List;
import java.util.function.Consumer;

import dev.atelier.core.Notices;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.ui.AtelierUi;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * The bottom trim: the newest running job's name, task and progress, with a button to cancel it, and the newest
 * notice (a GPU running hot, say) while it lasts.
 */
public final class StatusLine {

	@Inject
	@Service
	private JobService jobs;

	@Inject
	@Service
	private Notices notices;

	@Inject
	private UISynchronize ui;

	@Inject
	private IStylingEngine styling;

	private Label notice;
	private final Consumer<List<Notices.Notice>> noticeListener = now -> ui.asyncExec(this::showNotice);

	private Label label;
	private ProgressBar bar;
	private Button cancel;
	private JobHandle<?> shown;
	private final JobService.JobListener listener = job -> ui.asyncExec(this::refresh);

	@PostConstruct
	void create(Composite parent) {
		Composite line = new Composite(parent, SWT.NONE);
		GridLayout layout = new GridLayout(4, false);
		layout.marginHeight = 2;
		line.setLayout(layout);
		label = new Label(line, SWT.NONE);
		label.setLayoutData(new GridData(420, SWT.DEFAULT));
		bar = new ProgressBar(line, SWT.HORIZONTAL | SWT.SMOOTH);
		bar.setLayoutData(new GridData(160, SWT.DEFAULT));
		cancel = new Button(line, SWT.PUSH | SWT.FLAT);
		cancel.setText("Cancel");
		cancel.setToolTipText("Cancel the job shown here");
		cancel.addListener(SWT.Selection, e -> {
			if (shown != null) {
				shown.cancel();
			}
		});
		notice = new Label(line, SWT.NONE);
		notice.setLayoutData(new GridData(600, SWT.DEFAULT));
		styling.setClassname(notice, AtelierUi.ERROR_CLASS);
		jobs.addListener(listener);
		notices.addListener(noticeListener);
		refresh();
		showNotice();
	}

	private void showNotice() {
		if (notice == null || notice.isDisposed()) {
			return;
		}
		List<Notices.Notice> now = notices.current();
		Notices.Notice newest = now.isEmpty() ? null : now.get(now.size() - 1);
		notice.setText(newest == null ? "" : newest.text() + (now.size() > 1 ? "  (+" + (now.size() - 1) + ")" : ""));
		notice.setToolTipText(String.join("\n", now.stream().map(Notices.Notice::text).toList()));
	}

	@PreDestroy
	void dispose() {
		jobs.removeListener(listener);
		notices.removeListener(noticeListener);
	}

	private void refresh() {
		if (label == null || label.isDisposed()) {
			return;
		}
		var active = jobs.active();
		shown = active.isEmpty() ? null : active.get(active.size() - 1);
		if (shown == null) {
			label.setText("Ready");
			bar.setVisible(false);
			cancel.setVisible(false);
			return;
		}
		String more = active.size() > 1 ? "  (+" + (active.size() - 1) + " more)" : "";
		label.setText(shown.name() + (shown.task().isEmpty() ? "" : ": " + shown.task()) + more);
		double progress = shown.progress();
		bar.setVisible(true);
		bar.setSelection(Double.isNaN(progress) ? 0 : (int) Math.round(progress * 100));
		cancel.setVisible(true);
	}
}
