package dev.atelier.bench.ui.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
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
 * Files are read and written in jobs too; what they come to shows in the status line.
 */
public final class BenchPart {

	static final String[] SUITES = { "all", "gpu", "cpu" };
	private static final String[] COLUMNS = { "benchmark", "value", "unit", "% of peak", "PyTorch", "ratio", "saved run", "change" };

	private final BenchService bench;
	private final JobService jobs;
	private final UISynchronize sync;
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
	public BenchPart(@Service BenchService bench, @Service JobService jobs, UISynchronize sync) {
		this.bench = bench;
		this.jobs = jobs;
		this.sync = sync;
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
		running.result().whenComplete((result, failure) -> ui(() -> finished(result, failure)));
	}

	/** Runs on the UI thread while the view is there. */
	private void ui(Runnable action) {
		sync.asyncExec(() -> {
			if (!root.isDisposed()) {
				action.run();
			}
		});
	}

	private static Throwable cause(Throwable failure) {
		return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
	}

	private void finished(BenchReport result, Throwable failure) {
		run.setEnabled(true);
		cancel.setEnabled(false);
		running = null;
		Throwable cause = cause(failure);
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

	/** Reads a saved run in a job and compares with it; a file that is not a report is said in the status line. */
	CompletableFuture<BenchReport> compareWith(Path file) {
		status.setText("Reading " + file.getFileName() + "…");
		JobHandle<BenchReport> read = jobs.submit("Benchmarks: read " + file.getFileName(),
				context -> BenchReport.fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
		CompletableFuture<BenchReport> shown = new CompletableFuture<>();
		read.result().whenComplete((loaded, failure) -> ui(() -> {
			if (failure != null) {
				Throwable cause = cause(failure);
				status.setText("Cannot compare with " + file + ": " + cause.getMessage());
				shown.completeExceptionally(cause);
				return;
			}
			saved = loaded;
			status.setText("Compared with " + file.getFileName() + " (" + saved.startedAt() + ")");
			refresh();
			shown.complete(loaded);
		}));
		return shown;
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

	/**
	 * Writes the report shown, as {@code render} makes it, in a job; the status line says where it went or why it
	 * could not. The future completes once it does (null when there is nothing to save).
	 */
	CompletableFuture<Path> save(Path file, Function<BenchReport, String> render) {
		if (report == null) {
			status.setText("Nothing to save yet: run a suite first.");
			return CompletableFuture.completedFuture(null);
		}
		BenchReport shown = report;
		status.setText("Saving " + file.getFileName() + "…");
		JobHandle<Path> write = jobs.submit("Benchmarks: save " + file.getFileName(),
				context -> Files.writeString(file, render.apply(shown), StandardCharsets.UTF_8));
		CompletableFuture<Path> done = new CompletableFuture<>();
		write.result().whenComplete((written, failure) -> ui(() -> {
			if (failure != null) {
				Throwable cause = cause(failure);
				status.setText("Cannot write " + file + ": " + cause.getMessage());
				done.completeExceptionally(cause);
			} else {
				status.setText("Saved " + file);
				done.complete(written);
			}
		}));
		return done;
	}
}
