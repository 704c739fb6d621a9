package dev.atelier.device;

import java.util.List;

/**
 * A device's memory as the arbiter sees it now.
 *
 * @param freeBytes    what the driver reports free (for the simulated device: total minus what is allocated)
 * @param budgetBytes  what a new lease could get without evicting anything
 * @param grantedBytes the sum of all granted leases
 * @param headroomBytes reserved for the driver, the desktop and everything outside Atelier
 */
public record DeviceStatus(Device device, long freeBytes, long budgetBytes, long grantedBytes, long headroomBytes,
		List<VramLease> leases) {
}
