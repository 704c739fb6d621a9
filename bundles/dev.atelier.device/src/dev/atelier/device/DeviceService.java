package dev.atelier.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one arbiter of Atelier's compute devices. Every bundle gets its own view of this service (a bundle-scoped
 * service), and every lease it acquired is released when the bundle stops.
 *
 * <p>Admission: a request is granted from the device's budget, min(driver-reported free memory minus what
 * granted leases have not allocated yet, total − headroom − granted); waiting requests are served higher
 * priority first and FIFO within a priority; before a request waits, idle evictable leases of the same or
 * lower priority are evicted least recently used first, never pinned or busy ones. A request that can never
 * fit is refused at once. Memory a foreign allocator took for a lease ({@link VramLease#recordForeign(long)}) counts
 * as allocated under it, not as still promised.
 */
public interface DeviceService {

	/** Every device, GPUs first in driver order, then the CPU, then simulated devices. */
	List<Device> devices();

	Optional<Device> device(String id);

	/**
	 * The device a user's id names: a device's id ({@code cpu}, {@code cuda:N}); an id a backend makes on demand
	 * ({@code sim:PROFILE} adds that simulated card); or {@code auto}, the best device there is (the first GPU in
	 * driver order, else the CPU; never a simulated card).
	 *
	 * @throws IllegalArgumentException naming the known ids when there is no such device, or naming what the backend
	 *                                  can make when it cannot make this one
	 */
	Device resolve(String id);

	/**
	 * The devices a user's {@code --devices} list names, in the order given: ids as {@link #resolve(String)} takes them,
	 * separated by commas, or {@code all}, every CUDA GPU in driver order. One job spread over them holds a lease on each.
	 *
	 * @throws IllegalArgumentException for an empty list or entry, a device named twice, {@code auto} in a list (it is
	 *                                  one device, not a set), {@code all} without a GPU, or an unknown id
	 */
	default List<Device> resolveAll(String ids) {
		String list = ids == null ? "" : ids.strip();
		if (list.equals("all")) {
			List<Device> gpus = devices().stream().filter(Device::runsCudaModules).toList();
			if (gpus.isEmpty()) {
				throw new IllegalArgumentException("'all' names every CUDA GPU and there is none; name the devices instead ("
						+ String.join(", ", devices().stream().map(Device::id).toList()) + ")");
			}
			return gpus;
		}
		List<Device> chosen = new ArrayList<>();
		for (String part : list.split(",", -1)) {
			String id = part.strip();
			if (id.isEmpty()) {
				throw new IllegalArgumentException("'" + list + "' has an empty entry; give ids separated by commas, or all");
			}
			if (id.equals("auto") || id.equals("all")) {
				throw new IllegalArgumentException("'" + id + "' cannot be one entry of a list; give ids separated by commas, or all alone");
			}
			Device device = resolve(id);
			if (chosen.stream().anyMatch(d -> d.id().equals(device.id()))) {
				throw new IllegalArgumentException("'" + list + "' names " + device.id() + " twice");
			}
			chosen.add(device);
		}
		return List.copyOf(chosen);
	}

	/** The device's memory now; throws {@link IllegalArgumentException} naming the known ids for an unknown id. */
	DeviceStatus status(String deviceId);

	/**
	 * Grants memory on a device, waiting up to the request's timeout.
	 *
	 * @throws LeaseRefusedException when it can never fit, or did not fit in time; the message explains why
	 * @throws InterruptedException  when the waiting thread is interrupted
	 */
	VramLease acquire(String deviceId, LeaseRequest request) throws LeaseRefusedException, InterruptedException;

	/** All open leases of all holders. */
	List<VramLease> leases();

	/**
	 * Evicts a lease now, as if memory were needed (the devices view's Evict action): its owner's eviction callback
	 * runs, then its bytes are taken. Returns false, changing nothing, when the lease is not evictable, pinned,
	 * busy or no longer granted.
	 */
	boolean evict(VramLease lease);

	/** A compute context on the lease's device whose allocations count against the lease. */
	ComputeContext openContext(VramLease lease);

	void addListener(DeviceEvent.Listener listener);

	void removeListener(DeviceEvent.Listener listener);
}
