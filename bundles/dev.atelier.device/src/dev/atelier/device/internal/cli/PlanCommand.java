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
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.device.DeviceService;
import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code atelier plan --device ID [--simulate PROFILE] [--json] SPEC…}. */
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
			"  llm:7b:f16:ctx=4096, llm:13b:q4_0                 (llm:SIZE:FORMAT[:ctx=N][:offload=P%%][:seq=N])",
			"  scene:tris=30M:tex=4GB                            (scene:tris=N:tex=SIZE[:bc7])",
			"The budget is what the device can lease now (total − headroom − leases, less what other programs use).",
			"Exit code 0 when the workloads fit, 3 when they do not, 2 for bad input." })
	private final class Plan implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--device", paramLabel = "ID", required = true, description = "the device to plan for, as atelier devices lists it")
		private DeviceId device;

		@Option(names = "--simulate", paramLabel = "PROFILE", description = DevicesCommand.SIMULATE)
		private List<String> simulate = new ArrayList<>();

		@Option(names = "--json", description = "{device, budgetBytes, items [{spec, bytes, breakdown}], requiredBytes, fits, advice [..]}")
		private boolean json;

		@Parameters(paramLabel = "SPEC", arity = "1..*", description = "the workloads, e.g. sd15@512x512x1 llm:7b:q4_0:ctx=4096")
		private List<String> specs = new ArrayList<>();

		Plan(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			DevicesCommand.simulate(devices, simulate);
			List<Workload> workloads = new ArrayList<>();
			Planner.Plan plan;
			try {
				for (String spec : specs) {
					workloads.add(Workloads.parse(spec, estimators));
				}
				String id = devices.resolve(device.id()).id();
				plan = Planner.plan(id, devices.status(id).budgetBytes(), workloads);
			} catch (IllegalArgumentException e) { // a malformed spec, a device the service does not have
				throw new UsageException(e.getMessage());
			}
			if (json) {
				ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(plan));
			} else {
				ctx.out().printf(Locale.ROOT, "%s: budget %s%n", plan.device(), Workloads.gib(plan.budgetBytes()));
				for (Planner.Item item : plan.items()) {
					ctx.out().printf(Locale.ROOT, "  %-32s %11s  %s%n", item.spec(), Workloads.gib(item.bytes()), item.breakdown());
				}
				ctx.out().printf(Locale.ROOT, "  %-32s %11s  %s%n", "total", Workloads.gib(plan.requiredBytes()), plan.fits() ? "fits" : "does NOT fit");
				plan.advice().forEach(a -> ctx.out().println("  - " + a));
			}
			return plan.fits() ? 0 : 3;
		}
	}
}
