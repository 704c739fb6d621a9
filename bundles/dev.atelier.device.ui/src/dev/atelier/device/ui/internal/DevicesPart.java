package dev.atelier.device.ui.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

import dev.atelier.core.Preferences;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceEvent;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStatus;
import dev.atelier.device.VramLease;
import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.ui.Forms;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * Devices with a live VRAM bar split by lease owner, the lease table with Release and Evict, a way to add a
 * simulated card, and the VRAM planner.
 */
public final class DevicesPart {

	private static final int REFRESH_MS = 1000;
	private static final int LEASE_ROWS = 6;

	private final DeviceService devices;
	private final List<WorkloadEstimator> estimators;
	private final SimulatedDevices simulated;
	private final Preferences preferences;
	private Composite deviceRows;
	TableViewer leases;
	private Combo planDevice;
	Text planSpecs;
	Label planResult;
	private final List<Runnable> rowUpdates = new ArrayList<>();
	/** Each device's legend of its VRAM bar, in the devices' order. */
	final List<VramLegend> legends = new ArrayList<>();
	/** Each device's VRAM bar, in the devices' order. */
	final List<VramBar> bars = new ArrayList<>();
	private final DeviceEvent.Listener listener = e -> asyncRefresh(e.type() == DeviceEvent.Type.DEVICE_ADDED
			|| e.type() == DeviceEvent.Type.DEVICE_REMOVED);
	private final Runnable tick = new Runnable() {
		@Override
		public void run() {
			if (!leases.getControl().isDisposed()) {
				refresh(false);
				leases.getControl().getDisplay().timerExec(REFRESH_MS, this);
			}
		}
	};

	@Inject
	public DevicesPart(@Service DeviceService devices, @Service List<WorkloadEstimator> estimators, @Service SimulatedDevices simulated,
			@Optional @Service Preferences preferences) {
		this.devices = devices;
		this.estimators = estimators;
		this.simulated = simulated;
		this.preferences = preferences;
	}

	@PostConstruct
	public void create(Composite view) {
		view.setLayout(new FillLayout());
		Composite parent = Forms.scrolling(view);
		parent.setLayout(new GridLayout(1, false));
		deviceRows = new Composite(parent, SWT.NONE);
		deviceRows.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
		deviceRows.setLayout(new GridLayout(3, false));

		leases = new TableViewer(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI);
		leases.getTable().setHeaderVisible(true);
		GridData tableData = new GridData(SWT.FILL, SWT.FILL, true, true);
		// A short stack scrolls the form rather than squeezing the table to its header
		tableData.heightHint = leases.getTable().getItemHeight() * LEASE_ROWS + leases.getTable().getHeaderHeight();
		leases.getTable().setLayoutData(tableData);
		leases.setContentProvider(ArrayContentProvider.getInstance());
		column("Device", 90, VramLease::deviceId);
		column("Owner", 260, l -> l.owner().toString());
		column("Size", 90, l -> Workloads.gib(l.bytes()));
		column("Priority", 90, l -> l.priority().name().toLowerCase(Locale.ROOT));
		column("State", 200, l -> l.state().name().toLowerCase(Locale.ROOT) + (l.pinned() ? ", pinned" : "") + (l.busy() ? ", busy" : "")
				+ (l.evictable() ? ", evictable" : ""));

		Composite actions = new Composite(parent, SWT.NONE);
		actions.setLayout(new GridLayout(5, false));
		button(actions, "Release", "Give the selected leases back (their owners lose the memory)", l -> {
			l.close();
			return true;
		});
		button(actions, "Evict", "Ask the selected idle, evictable leases' owners to unload, then take the memory", devices::evict);
		new Label(actions, SWT.NONE).setText("   Simulate:");
		Combo simulate = new Combo(actions, SWT.READ_ONLY);
		simulate.setItems(simulated.profiles().toArray(String[]::new));
		simulate.setToolTipText("Add a simulated GPU, for planning and demos");
		simulate.addListener(SWT.Selection, e -> simulate(simulate.getText()));

		Composite planner = new Composite(parent, SWT.NONE);
		planner.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
		planner.setLayout(new GridLayout(4, false));
		new Label(planner, SWT.NONE).setText("Plan on");
		planDevice = new Combo(planner, SWT.READ_ONLY);
		planSpecs = new Text(planner, SWT.BORDER);
		planSpecs.setMessage("sd15@512x512x1 llm:7b:q4_0:ctx=4096 scene:tris=30M:tex=4GB");
		planSpecs.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		Button plan = new Button(planner, SWT.PUSH);
		plan.setText("Plan");
		plan.addListener(SWT.Selection, e -> plan());
		planSpecs.addListener(SWT.DefaultSelection, e -> plan());
		planResult = new Label(planner, SWT.WRAP);
		planResult.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 4, 1));

		devices.addListener(listener);
		refresh(true);
		parent.getDisplay().timerExec(REFRESH_MS, tick);
	}

	/** Adds the card and keeps it in the workspace's preferences, so that the next start (IDE or CLI) has it too. */
	void simulate(String profile) {
		simulated.add(profile);
		if (preferences != null) {
			List<String> kept = new ArrayList<>(Arrays.stream(preferences.get(SimulatedDevices.PREFERENCE, "").split(","))
					.map(String::strip).filter(p -> !p.isEmpty()).toList());
			if (!kept.contains(profile)) {
				kept.add(profile);
				preferences.put(SimulatedDevices.PREFERENCE, String.join(",", kept));
				try {
					preferences.save();
				} catch (IOException e) {
					planResult.setText("The simulated " + profile + " is added for this session only: cannot save the preferences: " + e.getMessage());
				}
			}
		}
	}

	/** Runs the planner on what the field holds; bad specs are shown in the result, named. */
	void plan() {
		try {
			List<Workload> workloads = new ArrayList<>();
			for (String spec : planSpecs.getText().trim().split("\\s+")) {
				if (!spec.isEmpty()) {
					workloads.add(Workloads.parse(spec, estimators));
				}
			}
			if (workloads.isEmpty() || planDevice.getText().isEmpty()) {
				planResult.setText("Enter workloads such as sd15@512x512x1 llm:7b:q4_0:ctx=4096 and choose a device.");
			} else {
				Planner.Plan p = Planner.plan(planDevice.getText(), devices.status(planDevice.getText()).budgetBytes(), workloads);
				StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s: %s needed of %s: %s%n", p.device(),
						Workloads.gib(p.requiredBytes()), Workloads.gib(p.budgetBytes()), p.fits() ? "fits" : "does not fit"));
				p.items().forEach(i -> text.append(String.format(Locale.ROOT, "  %s  %s  (%s)%n", i.spec(), Workloads.gib(i.bytes()), i.breakdown())));
				p.advice().forEach(a -> text.append("  - ").append(a).append('\n'));
				planResult.setText(text.toString());
			}
		} catch (IllegalArgumentException e) {
			planResult.setText(e.getMessage());
		}
		Forms.reflow(planResult);
	}

	private void asyncRefresh(boolean rebuild) {
		if (!leases.getControl().isDisposed()) {
			leases.getControl().getDisplay().asyncExec(() -> {
				if (!leases.getControl().isDisposed()) {
					refresh(rebuild);
				}
			});
		}
	}

	private void refresh(boolean rebuild) {
		if (rebuild || rowUpdates.size() != devices.devices().size()) {
			for (var child : deviceRows.getChildren()) {
				child.dispose();
			}
			rowUpdates.clear();
			legends.clear();
			bars.clear();
			for (Device d : devices.devices()) {
				Label name = new Label(deviceRows, SWT.NONE);
				name.setText(d.id() + "  " + d.name());
				VramBar bar = new VramBar(deviceRows);
				bar.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
				bars.add(bar);
				Label numbers = new Label(deviceRows, SWT.NONE);
				numbers.setLayoutData(new GridData(320, SWT.DEFAULT));
				new Label(deviceRows, SWT.NONE);
				VramLegend legend = new VramLegend(deviceRows);
				legend.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1));
				legends.add(legend);
				rowUpdates.add(() -> {
					DeviceStatus s = devices.status(d.id());
					bar.show(s);
					legend.show(bar.segments());
					numbers.setText(String.format(Locale.ROOT, "%s leased, %s free of %s", Workloads.gib(s.grantedBytes()), Workloads.gib(s.budgetBytes()),
							Workloads.gib(d.totalBytes())));
				});
			}
			String chosen = planDevice.getText();
			planDevice.setItems(devices.devices().stream().map(Device::id).toArray(String[]::new));
			planDevice.setText(chosen.isEmpty() && planDevice.getItemCount() > 0 ? planDevice.getItem(0) : chosen);
			Forms.reflow(deviceRows);
		}
		rowUpdates.forEach(Runnable::run);
		leases.setInput(devices.leases());
	}

	private void column(String title, int width, java.util.function.Function<VramLease, String> text) {
		TableViewerColumn column = new TableViewerColumn(leases, SWT.NONE);
		column.getColumn().setText(title);
		column.getColumn().setWidth(width);
		column.setLabelProvider(new ColumnLabelProvider() {
			@Override
			public String getText(Object element) {
				return text.apply((VramLease) element);
			}
		});
	}

	private void button(Composite parent, String text, String tip, java.util.function.Predicate<VramLease> action) {
		Button button = new Button(parent, SWT.PUSH);
		button.setText(text);
		button.setToolTipText(tip);
		button.addListener(SWT.Selection, e -> {
			for (Object o : ((IStructuredSelection) leases.getSelection()).toList()) {
				action.test((VramLease) o);
			}
			refresh(false);
		});
	}

	@Focus
	void focus() {
		leases.getControl().setFocus();
	}

	@PreDestroy
	void dispose() {
		devices.removeListener(listener);
	}
}
