package dev.atelier.device;

/** A loaded CUDA module (cubin, fatbin or PTX for the driver's JIT); unloaded when closed or with its context. */
public interface DeviceModule extends AutoCloseable {

	/** The kernel of that name; throws naming the module's device and the name when there is none. */
	DeviceFunction function(String name);

	@Override
	void close();
}
