import java.util.ArrayList;
import java.util.List;

import dev.atelier.bench.internal.BenchServiceImpl;
import dev.atelier.bench.internal.cli.BenchCommand;
import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;

/**
 * {@code atelier bench} on a GPU host without the OSGi product (see verify.sh bench): the same device service,
 * suites, reference runner and command, wired by hand as Declarative Services wires them in the product.
 */
public final class BenchMain {

	public static void main(String[] args) {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		registry.addProvider(new CudaDevices());
		registry.addProvider(new CpuDevice());
		DeviceService devices = BundleDeviceService.forBundle(registry, "dev.atelier.bench");
		BenchCommand bench = new BenchCommand(new BenchServiceImpl(devices));
		List<String> command = new ArrayList<>(List.of("bench"));
		command.addAll(List.of(args));
		System.exit(Cli.run(List.of(bench), CommandContext.of(System.out, System.err, null), command));
	}
}
