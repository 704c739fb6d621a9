package dev.atelier.power.ui.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;

import dev.atelier.core.jobs.Job;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.power.Metric;
import dev.atelier.power.PowerService;
import dev.atelier.power.PowerTables;
import dev.atelier.power.Sample;
import dev.atelier.power.ThrottleReason;
import dev.atelier.ui.ThemeColours;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

/**
 * Live charts of one device's power, temperature, clocks, utilisation and memory, with CSV and PNG export: the files
 * are written in jobs, and where they went, or why not, shows beside the buttons. With several cards, a line above the
 * charts gives every card's draw and their sum, since a job may run on several at once.
 */
public final class PowerPart {

	static final String[] WINDOWS = { "1 min", "5 min", "15 min", "1 h", "24 h" };
	private static final long[] WINDOW_MILLIS = { 60_000, 300_000, 900_000, 3_600_000, 86_400_000 };
	private static final Metric[] CHARTS = { Metric.POWER_DRAW, Metric.TEMPERATURE_GPU, Metric.CLOCKS_SM, Metric.UTILIZATION_GPU,
			Metric.MEMORY_USED };

	private final PowerService power;
	private final JobService jobs;
	private final UISynchronize sync;
	Combo device;
	Combo window;
	Label current;
	/** Every sampled device's latest draw and their sum, where there are several; hidden with one. */
	Label cards;
	/** The last export's file, or (in red) why it could not be written. */
	Label exported;
	/** Sources that give nothing here and why (no NVIDIA driver, unreadable RAPL), so an empty list is explained. */
	Label absent;
	final List<LineChart> charts = new ArrayList<>();
	private Composite root;
	private List<Sample> shown = List.of();

	/** The workbench's CSS styling, which colours problem text as the theme says; absent outside the workbench. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	IStylingEngine styling;

	@Inject
	public PowerPart(@Service PowerService power, @Service JobService jobs, UISynchronize sync) {
		this.power = power;
		this.jobs = jobs;
		this.sync = sync;
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		parent.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(parent, SWT.NONE);
		bar.setLayout(new GridLayout(6, false));
		device = new Combo(bar, SWT.READ_ONLY);
		device.setItems(power.deviceIds().toArray(String[]::new));
		if (device.getItemCount() > 0) {
			device.select(0);
		}
		window = new Combo(bar, SWT.READ_ONLY);
		window.setItems(WINDOWS);
		window.select(0);
		Button csv = new Button(bar, SWT.PUSH);
		csv.setText("Export CSV…");
		csv.addListener(SWT.Selection, e -> choose("*.csv").ifPresent(this::exportCsv));
		Button png = new Button(bar, SWT.PUSH);
		png.setText("Export PNG…");
		png.addListener(SWT.Selection, e -> choose("*.png").ifPresent(this::exportPng));
		current = new Label(bar, SWT.NONE);
		current.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		exported = new Label(bar, SWT.NONE);
		cards = new Label(parent, SWT.WRAP);
		cards.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		absent = new Label(parent, SWT.WRAP);
		absent.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		List<String> reasons = power.absentSources();
		absent.setText(reasons.isEmpty() ? "" : String.join("\n", reasons) + (power.deviceIds().isEmpty() ? ""
				: "\nShown: " + String.join(", ", power.deviceIds()) + "."));
		((GridData) absent.getLayoutData()).exclude = reasons.isEmpty();
		absent.setVisible(!reasons.isEmpty());
		Composite grid = new Composite(parent, SWT.NONE);
		grid.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		grid.setLayout(new GridLayout(3, true));
		for (Metric m : CHARTS) {
			LineChart chart = new LineChart(grid, m);
			chart.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			charts.add(chart);
		}
		if (power.deviceIds().isEmpty()) {
			current.setText("No device is sampled; add a simulated GPU in the Devices view to see one.");
		}
		Runnable tick = new Runnable() {
			@Override
			public void run() {
				if (!root.isDisposed()) {
					refresh();
					root.getDisplay().timerExec(1000, this);
				}
			}
		};
		tick.run();
	}

	void refresh() {
		List<String> ids = power.deviceIds();
		if (!ids.equals(List.of(device.getItems()))) {
			String selected = device.getText();
			device.setItems(ids.toArray(String[]::new));
			device.select(Math.max(0, ids.indexOf(selected)));
		}
		long to = System.currentTimeMillis();
		showCards(ids, to);
		if (device.getSelectionIndex() < 0) {
			return;
		}
		String id = device.getText();
		long from = to - WINDOW_MILLIS[Math.max(0, window.getSelectionIndex())];
		shown = power.history(id, from, to);
		charts.forEach(c -> c.show(shown, from, to));
		String lost = power.lostDevices().get(id);
		if (lost != null) {
			current.setText(lost);
		} else if (!shown.isEmpty()) {
			Sample s = shown.get(shown.size() - 1);
			List<ThrottleReason> reasons = s.get(Metric.CLOCKS_EVENT_REASONS).isPresent()
					? ThrottleReason.decode((long) s.get(Metric.CLOCKS_EVENT_REASONS).getAsDouble()) : List.of();
			current.setText(String.format(Locale.ROOT, "%.0f W of %.0f W, %.0f °C, %.0f MHz, %.0f %%  %s", value(s, Metric.POWER_DRAW),
					value(s, Metric.ENFORCED_POWER_LIMIT), value(s, Metric.TEMPERATURE_GPU), value(s, Metric.CLOCKS_SM),
					value(s, Metric.UTILIZATION_GPU), reasons.isEmpty() ? "" : reasons.toString()));
		}
		current.getParent().layout();
	}

	/** Each card's draw in its latest sample of the last minute, and their sum; the line shows only with two or more. */
	private void showCards(List<String> ids, long to) {
		List<String> each = new ArrayList<>();
		double sum = 0;
		for (String id : ids) {
			List<Sample> recent = power.history(id, to - WINDOW_MILLIS[0], to);
			double watts = recent.isEmpty() ? Double.NaN : value(recent.getLast(), Metric.POWER_DRAW);
			each.add(Double.isNaN(watts) ? id + " –" : String.format(Locale.ROOT, "%s %.0f W", id, watts));
			sum += Double.isNaN(watts) ? 0 : watts;
		}
		boolean several = ids.size() > 1;
		cards.setText(several ? String.join(", ", each) + String.format(Locale.ROOT, "; %.0f W together", sum) : "");
		if (((GridData) cards.getLayoutData()).exclude == several) {
			((GridData) cards.getLayoutData()).exclude = !several;
			cards.setVisible(several);
			root.layout();
		}
	}

	private static double value(Sample s, Metric m) {
		return s.get(m).orElse(Double.NaN);
	}

	private java.util.Optional<Path> choose(String extension) {
		FileDialog dialog = new FileDialog(root.getShell(), SWT.SAVE);
		dialog.setFilterExtensions(new String[] { extension });
		dialog.setOverwrite(true);
		return java.util.Optional.ofNullable(dialog.open()).map(Path::of);
	}

	/** The shown samples as CSV, with the header `atelier power --watch` writes. */
	CompletableFuture<Path> exportCsv(Path file) {
		List<Sample> samples = shown;
		return export(file, context -> {
			List<String> lines = new ArrayList<>();
			lines.add(PowerTables.csvHeader());
			samples.forEach(s -> lines.add(PowerTables.csvRow(s)));
			return Files.write(file, lines, StandardCharsets.UTF_8);
		});
	}

	/** The view as it draws itself; drawn and encoded on the UI thread (SWT's images live there), written in a job. */
	CompletableFuture<Path> exportPng(Path file) {
		var size = root.getSize();
		Image image = new Image(root.getDisplay(), size.x, size.y);
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		try {
			GC gc = new GC(image);
			root.print(gc);
			gc.dispose();
			ImageLoader loader = new ImageLoader();
			loader.data = new ImageData[] { image.getImageData() };
			loader.save(png, SWT.IMAGE_PNG);
		} finally {
			image.dispose();
		}
		return export(file, context -> Files.write(file, png.toByteArray()));
	}

	/**
	 * Writes the file in a job; the view then names it, or says in red why it could not be written. The future
	 * completes once it does.
	 */
	private CompletableFuture<Path> export(Path file, Job<Path> write) {
		ThemeColours.problem(styling, exported, false);
		exported.setText("Exporting " + file.getFileName() + "…");
		JobHandle<Path> handle = jobs.submit("Power: export " + file.getFileName(), write);
		CompletableFuture<Path> done = new CompletableFuture<>();
		handle.result().whenComplete((written, failure) -> sync.asyncExec(() -> {
			if (exported.isDisposed()) {
				done.cancel(false);
				return;
			}
			if (failure != null) {
				Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
				ThemeColours.problem(styling, exported, true);
				exported.setText("Cannot write " + file + ": " + cause.getMessage());
				done.completeExceptionally(cause);
			} else {
				exported.setText("Exported " + file.getFileName());
				done.complete(written);
			}
			exported.getParent().layout();
		}));
		return done;
	}
}
