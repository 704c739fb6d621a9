package dev.atelier.device.cuda.internal;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceGetPCIBusId;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;
import dev.atelier.device.Backend;
import dev.atelier.device.ComputeCapability;
import dev.atelier.device.Device;
import dev.atelier.device.spi.DeviceProvider;
import dev.atelier.device.spi.PhysicalDevice;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;

/**
 * The CUDA GPUs the driver reports, through JCuda's driver API. No driver (or no JCuda natives for this
 * platform) means no devices, never an exception.
 */
@Component(service = { DeviceProvider.class, DoctorCheck.class })
public final class CudaDevices implements DeviceProvider, DoctorCheck {

	private static final System.Logger LOG = System.getLogger(CudaDevices.class.getName());
	private static final Pattern NVRM = Pattern.compile("Kernel Module\\s+([0-9.]+)");

	private final List<CudaDevice> devices = new ArrayList<>();
	private final CudaDriverCheck.Discovery discovery;

	public CudaDevices() {
		this.discovery = discover(devices);
	}

	@Override
	public List<PhysicalDevice> devices() {
		return List.copyOf(devices);
	}

	@Override
	public int order() {
		return 100;
	}

	@Override
	public String name() {
		return "NVIDIA driver and GPUs";
	}

	@Override
	public List<Finding> run(AtelierEnvironment environment) {
		return CudaDriverCheck.findings(discovery, devices.stream().map(CudaDevice::device).toList());
	}

	@Deactivate
	public void close() {
		devices.forEach(CudaDevice::close);
	}

	/** Adds the driver's GPUs to {@code found}; what the driver answered, for {@code atelier doctor}. */
	private static CudaDriverCheck.Discovery discover(List<CudaDevice> found) {
		String cuda = "";
		String driver = driverVersion();
		try {
			int init = cuInit(0);
			if (init != CUresult.CUDA_SUCCESS) {
				LOG.log(Level.INFO, "no CUDA devices: cuInit returned " + CUresult.stringFor(init));
				return CudaDriverCheck.Discovery.initFailed(init, CUresult.stringFor(init), driver);
			}
			int[] version = new int[1];
			CudaException.check(cuDriverGetVersion(version), "cuDriverGetVersion", "the driver");
			cuda = version[0] / 1000 + "." + version[0] % 1000 / 10;
			int[] count = new int[1];
			CudaException.check(cuDeviceGetCount(count), "cuDeviceGetCount", "the driver");
			for (int i = 0; i < count[0]; i++) {
				String id = "cuda:" + i;
				CUdevice handle = new CUdevice();
				CudaException.check(cuDeviceGet(handle, i), "cuDeviceGet", id);
				byte[] name = new byte[256];
				CudaException.check(cuDeviceGetName(name, name.length, handle), "cuDeviceGetName", id);
				long[] total = new long[1];
				CudaException.check(cuDeviceTotalMem(total, handle), "cuDeviceTotalMem", id);
				String[] busId = new String[1];
				CudaException.check(cuDeviceGetPCIBusId(busId, 32, handle), "cuDeviceGetPCIBusId", id);
				Device device = new Device(id, cString(name), Backend.CUDA, i,
						new ComputeCapability(attribute(handle, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, id),
								attribute(handle, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, id)),
						attribute(handle, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, id), attribute(handle, CU_DEVICE_ATTRIBUTE_CLOCK_RATE, id),
						attribute(handle, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, id), attribute(handle, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, id),
						total[0], 0, driver, cuda, busId[0]);
				found.add(new CudaDevice(device, handle));
			}
		} catch (LinkageError e) {
			LOG.log(Level.INFO, "no CUDA devices: the CUDA driver or JCuda's natives cannot be loaded (" + firstLine(e) + ")");
			return CudaDriverCheck.Discovery.notLoaded(firstLine(e), driver);
		} catch (CudaException e) {
			LOG.log(Level.WARNING, "CUDA device discovery stopped: " + e.getMessage());
			return CudaDriverCheck.Discovery.stopped(e.getMessage(), driver, cuda);
		}
		return CudaDriverCheck.Discovery.answered(driver, cuda);
	}

	/** JCuda's loader puts whole nested stack traces into its message; the first line says enough. */
	private static String firstLine(Throwable e) {
		String m = String.valueOf(e.getMessage());
		int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}

	private static int attribute(CUdevice device, int attribute, String id) {
		int[] value = new int[1];
		CudaException.check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")", id);
		return value[0];
	}

	private static String cString(byte[] bytes) {
		int end = 0;
		while (end < bytes.length && bytes[end] != 0) {
			end++;
		}
		return new String(bytes, 0, end, StandardCharsets.UTF_8);
	}

	/** The kernel module's version (e.g. 580.65.06), which the CUDA driver API does not tell; containers may hide /proc's. */
	private static String driverVersion() {
		try {
			Matcher m = NVRM.matcher(Files.readString(Path.of("/proc/driver/nvidia/version")));
			if (m.find()) {
				return m.group(1);
			}
		} catch (IOException e) {
			// try /sys next
		}
		try {
			return Files.readString(Path.of("/sys/module/nvidia/version")).strip();
		} catch (IOException e) {
			return "";
		}
	}
}
