package dev.atelier.bench.ui.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchResult;
import dev.atelier.bench.BenchService;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

/**
 * Runs a benchmark suite as a job (progress and Cancel in the status line too), shows the table and the stride
 * and GEMM charts, and compares with a saved run (a JSON file from this view or from {@code atelier bench --json}).
 */
public final class BenchPart {

	static final String[] SUITES = { "all", "gpu", "cpu" };
	private static final String[] COLUMNS = { "benchmark", "value", "unit", "% of peak", "PyTorch", "ratio", "saved run", "change" };

	private final BenchService bench;
	private final JobService jobs;
	Combo suite;
	Button run;
	Button cancel;
	Label status;
	Table table;
	BarChart strides;
	BarChart gemm;
	private Composite root;
	private JobHandle<BenchReport> running;
	BenchReport report;
	BenchReport saved;

	@Inject
	public BenchPart(@Service BenchService bench, @Service JobService jobs) {
		this.bench = bench;
		this.jobs = jobs;
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		parent.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(parent, SWT.NONE);
		bar.setLayout(new GridLayout(8, false));
		bar.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		suite = new Combo(bar, SWT.READ_ONLY);
		suite.setItems(SUITES);
		suite.select(0);
		run = button(bar, "Run", this::start);
		cancel = button(bar, "Cancel", () -> {
			if (running != null) {
				running.cancel();
			}
		});
		cancel.setEnabled(false);
		button(bar, "Compare with…", () -> choose(SWT.OPEN, "*.json").ifPresent(this::compareWith));
		button(bar, "Save JSON…", () -> choose(SWT.SAVE, "*.json").ifPresent(f -> save(f, BenchReport::toJson)));
		button(bar, "Save HTML…", () -> choose(SWT.SAVE, "*.html").ifPresent(f -> save(f, bench::html)));
		status = new Label(bar, SWT.NONE);
		status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
		status.setText("Run a suite: the GPU suite needs a CUDA device; PyTorch, where installed, is measured alongside.");

		table = new Table(parent, SWT.BORDER | SWT.FULL_SELECTION);
		table.setHeaderVisible(true);
		table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		for (String name : COLUMNS) {
			TableColumn column = new TableColumn(table, name.equals("benchmark") ? SWT.LEFT : SWT.RIGHT);
			column.setText(name);
			column.setWidth(name.equals("benchmark") ? 300 : 90);
		}
		Composite charts = new Composite(parent, SWT.NONE);
		charts.setLayout(new GridLayout(2, true));
		charts.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		strides = new BarChart(charts, "Bandwidth against stride");
		strides.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		gemm = new BarChart(charts, "GEMM against size");
		gemm.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
	}

	private static Button button(Composite parent, String text, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(text);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/** Starts the chosen suite as a job; the result shows when it finishes. */
	void start() {
		String chosen = suite.getText();
		running = jobs.submit("Benchmarks (" + chosen + ")", context -> bench.run(chosen, null, 10, true, context));
		run.setEnabled(false);
		cancel.setEnabled(true);
		status.setText("Running the " + chosen + " suite…");
		running.result().whenComplete((result, failure) -> root.getDisplay().asyncExec(() -> finished(result, failure)));
	}

	private void finished(BenchReport result, Throwable failure) {
		if (root.isDisposed()) {
			return;
		}
		run.setEnabled(true);
		cancel.setEnabled(false);
		running = null;
		Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
		if (cause instanceof JobCancelledException) {
			status.setText("Cancelled.");
		} else if (cause != null) {
			status.setText("The benchmarks failed: " + cause.getMessage());
		} else {
			show(result);
		}
	}

	void show(BenchReport result) {
		report = result;
		List<String> notes = new java.util.ArrayList<>(result.skipped());
		result.failures().forEach(f -> notes.add("FAILED " + f));
		status.setText(result.results().size() + " results" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
		refresh();
	}

	void compareWith(Path file) {
		try {
			saved = BenchReport.fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
			status.setText("Compared with " + file.getFileName() + " (" + saved.startedAt() + ")");
			refresh();
		} catch (IOException | IllegalArgumentException e) {
			status.setText("Cannot compare with " + file + ": " + e.getMessage());
		}
	}

	private void refresh() {
		Map<String, BenchResult> old = saved == null ? Map.of()
				: saved.results().stream().collect(Collectors.toMap(BenchResult::name, r -> r, (a, b) -> a, LinkedHashMap::new));
		List<BenchResult> current = report == null ? List.of() : report.results();
		table.removeAll();
		for (BenchResult r : current) {
			BenchResult before = old.get(r.name());
			new TableItem(table, SWT.NONE).setText(new String[] { r.name(), format(r.value()), r.unit(),
					r.percentOfPeak() == null ? "" : String.format(Locale.ROOT, "%.1f", r.percentOfPeak()),
					r.reference() == null ? "" : format(r.reference()), r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", r.ratio()),
					before == null ? "" : format(before.value()),
					before == null ? "" : String.format(Locale.ROOT, "%+.1f %%", 100 * (r.value() / before.value() - 1)) });
		}
		strides.show(current.stream().filter(r -> r.group().equals("stride")).toList(), old);
		gemm.show(current.stream().filter(r -> r.group().equals("gemm") || r.group().equals("cpu-gemm")).toList(), old);
	}

	private static String format(double v) {
		return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
	}

	private Optional<Path> choose(int style, String extension) {
		FileDialog dialog = new FileDialog(root.getShell(), style);
		dialog.setFilterExtensions(new String[] { extension });
		dialog.setOverwrite(true);
		return Optional.ofNullable(dialog.open()).map(Path::of);
	}

	void save(Path file, Function<BenchReport, String> render) {
		if (report == null) {
			status.setText("Nothing to save yet: run a suite first.");
			return;
		}
		try {
			Files.writeString(file, render.apply(report), StandardCharsets.UTF_8);
			status.setText("Saved " + file);
		} catch (IOException e) {
			status.setText("Cannot write " + file + ": " + e.getMessage());
		}
	}
}
