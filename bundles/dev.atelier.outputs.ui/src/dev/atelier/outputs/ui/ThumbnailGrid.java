package dev.atelier.outputs.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.SWTException;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.RowData;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;

/**
 * Image files as a scrolling grid of thumbnails. Files are decoded and scaled on two background threads; the UI
 * thread only turns the result into an image. Each tile owns its image and disposes it with itself; a new file list
 * drops the tiles of files no longer listed (or changed on disk), so no image outlives its tile or the grid.
 */
public final class ThumbnailGrid {

	private final int size;
	private final Display display;
	private final ScrolledComposite scroll;
	private final Composite content;
	private final ExecutorService loader = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("atelier-thumbnails-", 1).factory());
	private final Map<Path, Tile> tiles = new LinkedHashMap<>();
	private Path selected;
	private Consumer<Path> onSelect = file -> {
	};
	private Consumer<Path> onOpen = file -> {
	};

	public ThumbnailGrid(Composite parent, int size) {
		this.size = size;
		this.display = parent.getDisplay();
		scroll = new ScrolledComposite(parent, SWT.V_SCROLL | SWT.BORDER);
		scroll.setExpandHorizontal(true);
		scroll.setExpandVertical(true);
		content = new Composite(scroll, SWT.NONE);
		RowLayout layout = new RowLayout(SWT.HORIZONTAL);
		layout.wrap = true;
		layout.spacing = 4;
		content.setLayout(layout);
		scroll.setContent(content);
		scroll.addListener(SWT.Resize, e -> relayout());
		scroll.addListener(SWT.Dispose, e -> loader.shutdownNow());
	}

	public Control control() {
		return scroll;
	}

	/** Called with the file whose tile was clicked (null when the selection went away with its file). */
	public void onSelect(Consumer<Path> listener) {
		onSelect = listener;
	}

	/** Called with the file whose tile was double-clicked. */
	public void onOpen(Consumer<Path> listener) {
		onOpen = listener;
	}

	/**
	 * Shows these files in this order. Tiles of files that stay, unchanged on disk, are kept with their thumbnails;
	 * the others are dropped (disposing their images) or made and loaded.
	 */
	public void setFiles(List<Path> files) {
		setFiles(files, files.stream().map(ThumbnailGrid::modified).toList());
	}

	/** As {@link #setFiles(List)}, with when each file was last written (as listed off the UI thread). */
	public void setFiles(List<Path> files, List<Long> modifiedMillis) {
		Map<Path, Tile> before = new LinkedHashMap<>(tiles);
		tiles.clear();
		Tile previous = null;
		for (int i = 0; i < files.size(); i++) {
			Path file = files.get(i);
			long modified = modifiedMillis.get(i);
			Tile tile = before.remove(file);
			if (tile == null || tile.modified != modified) {
				if (tile != null) {
					tile.canvas.dispose();
				}
				tile = new Tile(file, modified);
				load(tile);
			}
			tiles.put(file, tile);
			if (previous == null) {
				tile.canvas.moveAbove(null);
			} else {
				tile.canvas.moveBelow(previous.canvas);
			}
			previous = tile;
		}
		before.values().forEach(t -> t.canvas.dispose());
		if (selected != null && !tiles.containsKey(selected)) {
			selected = null;
			onSelect.accept(null);
		}
		relayout();
	}

	private static long modified(Path file) {
		try {
			return Files.getLastModifiedTime(file).toMillis();
		} catch (IOException e) {
			return -1;
		}
	}

	public List<Path> files() {
		return List.copyOf(tiles.keySet());
	}

	public Path selection() {
		return selected;
	}

	/** Selects the file's tile (nothing when it is not shown) and tells the selection listener. */
	public void select(Path file) {
		Path now = tiles.containsKey(file) ? file : null;
		Tile before = selected == null ? null : tiles.get(selected);
		selected = now;
		if (before != null) {
			before.canvas.redraw();
		}
		if (now != null) {
			Tile tile = tiles.get(now);
			tile.canvas.redraw();
			scroll.showControl(tile.canvas);
		}
		onSelect.accept(now);
	}

	/** The thumbnail of a shown file, null until it is loaded (or when it could not be). */
	public Image image(Path file) {
		Tile tile = tiles.get(file);
		return tile == null ? null : tile.image;
	}

	/** Why a shown file has no thumbnail, null while loading or when it has one. */
	public String problem(Path file) {
		Tile tile = tiles.get(file);
		return tile == null ? null : tile.problem;
	}

	/** Tiles whose load has finished, with a thumbnail or a problem. */
	public int loaded() {
		return (int) tiles.values().stream().filter(t -> t.image != null || t.problem != null).count();
	}

	/** Every image the grid holds now, for leak checks. */
	public List<Image> images() {
		List<Image> images = new ArrayList<>();
		tiles.values().stream().filter(t -> t.image != null).forEach(t -> images.add(t.image));
		return images;
	}

	private void relayout() {
		if (scroll.isDisposed()) {
			return;
		}
		int width = Math.max(size + 8, scroll.getClientArea().width);
		Point needed = content.computeSize(width, SWT.DEFAULT);
		scroll.setMinSize(needed);
		content.layout(true);
	}

	private void load(Tile tile) {
		try {
			loader.execute(() -> {
				if (tile.dropped) {
					return;
				}
				ImageData data = null;
				String problem = null;
				try {
					data = SwtImages.fitted(SwtImages.read(tile.file), size, size, false);
				} catch (IOException | RuntimeException e) {
					problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
				}
				ImageData loaded = data;
				String failure = problem;
				try {
					display.asyncExec(() -> tile.show(loaded, failure));
				} catch (SWTException gone) {
					// the display went away: nothing to show it on
				}
			});
		} catch (RejectedExecutionException closed) {
			// the grid was disposed
		}
	}

	private final class Tile {
		final Path file;
		final long modified;
		final Canvas canvas;
		/** Set when the tile goes, so that a load still queued for it is skipped. */
		volatile boolean dropped;
		Image image;
		String problem;

		Tile(Path file, long modified) {
			this.file = file;
			this.modified = modified;
			canvas = new Canvas(content, SWT.DOUBLE_BUFFERED);
			canvas.setLayoutData(new RowData(size + 8, size + 8));
			canvas.setToolTipText(file.getFileName().toString());
			canvas.addListener(SWT.Paint, e -> paint(e.gc));
			canvas.addListener(SWT.MouseDown, e -> select(file));
			canvas.addListener(SWT.MouseDoubleClick, e -> onOpen.accept(file));
			canvas.addListener(SWT.Dispose, e -> {
				dropped = true;
				if (image != null) {
					image.dispose();
					image = null;
				}
			});
		}

		void show(ImageData data, String failure) {
			if (canvas.isDisposed()) {
				return;
			}
			if (data != null) {
				image = new Image(display, data);
			} else {
				problem = failure;
				canvas.setToolTipText(file.getFileName() + ": " + failure);
			}
			canvas.redraw();
		}

		private void paint(GC gc) {
			Rectangle area = canvas.getClientArea();
			if (image != null) {
				Rectangle b = image.getBounds();
				gc.drawImage(image, (area.width - b.width) / 2, (area.height - b.height) / 2);
			} else {
				gc.setForeground(display.getSystemColor(SWT.COLOR_WIDGET_DARK_SHADOW));
				String text = problem == null ? "…" : "cannot read";
				Point extent = gc.textExtent(text);
				gc.drawText(text, (area.width - extent.x) / 2, (area.height - extent.y) / 2, true);
			}
			if (file.equals(selected)) {
				gc.setForeground(display.getSystemColor(SWT.COLOR_LIST_SELECTION));
				gc.setLineWidth(3);
				gc.drawRectangle(1, 1, area.width - 3, area.height - 3);
			}
		}
	}
}
