package dev.atelier.device.internal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.device.DeviceService;
import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;

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
	public String name() {
		return "plan";
	}

	@Override
	public String summary() {
		return "estimates the VRAM of workloads and says whether they fit together on a device";
	}

	@Override
	public String usage() {
		return """
				usage: atelier plan --device ID [--simulate PROFILE] [--json] SPEC…

				SPEC is one of:
				  sd15@512x512x1, sd21@768x768x1, sdxl@1024x1024x2   (model@WIDTHxHEIGHTxBATCH[:fp32][:tiled])
				  llm:7b:f16:ctx=4096, llm:13b:q4_0                 (llm:SIZE:FORMAT[:ctx=N][:offload=P%%])
				  scene:tris=30M:tex=4GB                            (scene:tris=N:tex=SIZE[:bc7])
				The budget is what the device can lease now (total − headroom − leases, less what other programs use).
				  --json   {device, budgetBytes, items [{spec, bytes, breakdown}], requiredBytes, fits, advice [..]}
				Exit code 0 when the workloads fit, 3 when they do not, 2 for bad input.""";
	}

	@Override
	public int run(CommandContext ctx) {
		String device = null;
		boolean json = false;
		List<Workload> workloads = new ArrayList<>();
		List<String> args = ctx.args();
		try {
			for (int i = 0; i < args.size(); i++) {
				String arg = args.get(i);
				switch (arg) {
				case "--json" -> json = true;
				case "--device" -> device = value(args, ++i, "--device");
				case "--simulate" -> devices.resolve(DevicesCommand.SIMULATED + value(args, ++i, "--simulate"));
				default -> {
					if (arg.startsWith("--")) {
						throw new IllegalArgumentException("unknown option '" + arg + "' (see atelier plan --help)");
					}
					workloads.add(Workloads.parse(arg, estimators));
				}
				}
			}
			if (device == null) {
				throw new IllegalArgumentException("--device ID is required; devices: "
						+ String.join(", ", devices.devices().stream().map(d -> d.id()).toList()));
			}
			if (workloads.isEmpty()) {
				throw new IllegalArgumentException("no workload given (e.g. sd15@512x512x1 llm:7b:q4_0:ctx=4096)");
			}
			Planner.Plan plan = Planner.plan(device, devices.status(device).budgetBytes(), workloads);
			if (json) {
				ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(plan));
			} else {
				ctx.out().printf(Locale.ROOT, "%s: budget %.2f GB%n", plan.device(), plan.budgetBytes() / 1e9);
				for (Planner.Item item : plan.items()) {
					ctx.out().printf(Locale.ROOT, "  %-32s %7.2f GB  %s%n", item.spec(), item.bytes() / 1e9, item.breakdown());
				}
				ctx.out().printf(Locale.ROOT, "  %-32s %7.2f GB  %s%n", "total", plan.requiredBytes() / 1e9, plan.fits() ? "fits" : "does NOT fit");
				plan.advice().forEach(a -> ctx.out().println("  - " + a));
			}
			return plan.fits() ? 0 : 3;
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier plan: " + e.getMessage());
			return 2;
		}
	}

	private static String value(List<String> args, int i, String option) {
		if (i >= args.size()) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args.get(i);
	}
}
