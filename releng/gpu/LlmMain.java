import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.compute.internal.ComputeRuntimeService;
import dev.atelier.device.DeviceService;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.device.sim.internal.SimulatedCards;
import dev.atelier.llm.internal.cli.LlmCommand;

/**
 * {@code atelier llm …} on a GPU host without the OSGi product (releng/gpu/llm.sh): the same device service, compute
 * runtime and command, wired by hand as Declarative Services wires them in the product.
 */
public final class LlmMain {

	public static void main(String[] args) throws Exception {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		registry.addProvider(new CudaDevices());
		registry.addProvider(new CpuDevice());
		registry.addProvider(new SimulatedCards()); // sim:PROFILE as in the product: multi.sh tries itself on them without GPUs
		DeviceService devices = BundleDeviceService.forBundle(registry, "dev.atelier.llm");
		LlmCommand llm = new LlmCommand();
		inject(llm, "devices", devices);
		inject(llm, "runtime", new ComputeRuntimeService());
		List<String> command = new ArrayList<>(List.of(args));
		System.exit(Cli.run(List.of(llm), CommandContext.of(System.out, System.err, null), command));
	}

	/** What DS does for the command's {@code @Reference} fields. */
	static void inject(Object target, String field, Object value) throws ReflectiveOperationException {
		Field f = target.getClass().getDeclaredField(field);
		f.setAccessible(true);
		f.set(target, value);
	}
}
