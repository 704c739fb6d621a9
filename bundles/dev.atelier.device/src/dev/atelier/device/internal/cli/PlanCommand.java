package dev.atelier.device.internal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.DeviceId;
import dev.atelier.cli.DeviceSelection;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code atelier plan --device ID|--devices ID,ID…|all [--simulate PROFILE] [--json] SPEC…}. */
@Component(service = Subcommand.class)
public final class PlanCommand implements Subcommand {

	private final DeviceService devices;
	private final List<WorkloadEstimator> estimators;

	@Activate
	public PlanCommand(@Reference DeviceService devices,
			@Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY) List<WorkloadEstimator> estimators) {
		this.devices = devices;
		this.estimators = List.copyOf(estimators);
	}

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Plan(ctx);
	}

	@Command(name = "plan", header = "estimates the VRAM of workloads and says whether they fit together on a device", description = {
			"SPEC is one of:",
			"  sd15@512x512x1, sd21@768x768x1, sdxl@1024x1024x2   (model@WIDTHxHEIGHTxBATCH[:fp32][:tiled][:streamed])",
			"  llm:7b:f16:ctx=4096, llm:13b:q4_0                 (llm:SIZE:FORMAT[:ctx=N][:offload=P%%][:seq=N][:layers=A-B])",
			"  scene:tris=30M:tex=4GB                            (scene:tris=N:tex=SIZE[:bc7])",
			"The budget is what the device can lease now (total − headroom − leases, less what other programs use).",
			"With --devices, each workload is split as its runtime would split it: a diffusion batch into runs of images, a model",
			"copy on each device; an LLM into ranges of layers, proportional to each device's budget; each device's parts are planned",
			"with its own runtime.",
			"Exit code 0 when the workloads (every device's parts) fit, 3 when they do not, 2 for bad input." })
	private final class Plan implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--device", paramLabel = "ID", description = "the device to plan for, as atelier devices lists it")
		private DeviceId device;

		@Option(names = "--devices", paramLabel = "ID,ID…|all", description = "split the workloads over these devices (all: every CUDA GPU)")
		private DeviceSelection spread;

		@Option(names = "--simulate", paramLabel = "PROFILE", description = DevicesCommand.SIMULATE)
		private List<String> simulate = new ArrayList<>();

		@Option(names = "--json", description = { "{device, budgetBytes, items [{spec, bytes, breakdown}], requiredBytes, fits, advice [..]}; with --devices",
				"{devices [that, per device], fits}" })
		private boolean json;

		@Parameters(paramLabel = "SPEC", arity = "1..*", description = "the workloads, e.g. sd15@512x512x1 llm:7b:q4_0:ctx=4096")
		private List<String> specs = new ArrayList<>();

		Plan(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			if ((device == null) == (spread == null)) {
				throw new UsageException(device == null ? "give --device ID or --devices ID,ID…|all" : "--device and --devices cannot be given together");
			}
			DevicesCommand.simulate(devices, simulate);
			List<Workload> workloads = new ArrayList<>();
			Object answer;
			List<Planner.Plan> plans;
			boolean fits;
			try {
				for (String spec : specs) {
					workloads.add(Workloads.parse(spec, estimators));
				}
				if (spread == null) {
					String id = devices.resolve(device.id()).id();
					Planner.Plan plan = Planner.plan(id, devices.status(id).budgetBytes(), workloads);
					answer = plan;
					plans = List.of(plan);
					fits = plan.fits();
				} else {
					List<Planner.Budget> budgets = new ArrayList<>();
					for (Device d : devices.resolveAll(spread.toString())) {
						budgets.add(new Planner.Budget(d.id(), devices.status(d.id()).budgetBytes()));
					}
					Planner.SplitPlan split = Planner.planSplit(budgets, workloads);
					answer = split;
					plans = split.devices();
					fits = split.fits();
				}
			} catch (IllegalArgumentException e) { // a malformed spec, a device the service does not have, a workload that does not split
				throw new UsageException(e.getMessage());
			}
			if (json) {
				ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(answer));
			} else {
				plans.forEach(this::print);
				if (plans.size() > 1) {
					ctx.out().println(fits ? "every device's part fits" : "a device's part does NOT fit");
				}
			}
			return fits ? 0 : 3;
		}

		private void print(Planner.Plan plan) {
			ctx.out().printf(Locale.ROOT, "%s: budget %s%n", plan.device(), Workloads.gib(plan.budgetBytes()));
			for (Planner.Item item : plan.items()) {
				ctx.out().printf(Locale.ROOT, "  %-32s %11s  %s%n", item.spec(), Workloads.gib(item.bytes()), item.breakdown());
			}
			if (!plan.items().isEmpty()) {
				ctx.out().printf(Locale.ROOT, "  %-32s %11s  %s%n", "total", Workloads.gib(plan.requiredBytes()), plan.fits() ? "fits" : "does NOT fit");
			}
			plan.advice().forEach(a -> ctx.out().println("  - " + a));
		}
	}
}
