/*
 * The PNG side of chart.c: a scene painted with cairo and pango. In the
 * techwin executable this file lives in the cairo module, loaded on first
 * use (src/cli/module.c), so commands that draw no PNG do not load cairo.
 */
#include "render/chart-scene.h"
#include "render/chart.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <math.h>

static void
set_color(cairo_t *cr, uint32_t c, double alpha)
{
	cairo_set_source_rgba(cr, ((c >> 16) & 0xFF) / 255.0,
			      ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0,
			      alpha);
}

static void
rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	if (r <= 0) {
		cairo_rectangle(cr, x, y, w, h);
		return;
	}
	if (r > w / 2)
		r = w / 2;
	if (r > h / 2)
		r = h / 2;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

static void
paint_text(cairo_t *cr, PangoLayout *layout, const struct prim *p)
{
	PangoFontDescription *fd =
		pango_font_description_from_string("DejaVu Sans");
	PangoRectangle logical;
	double baseline, dx = 0;

	pango_font_description_set_absolute_size(fd, p->size * PANGO_SCALE);
	pango_font_description_set_weight(fd, p->bold ? PANGO_WEIGHT_BOLD
						       : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(layout, p->text, -1);
	pango_layout_get_extents(layout, NULL, &logical);
	baseline = (double)pango_layout_get_baseline(layout) / PANGO_SCALE;
	if (p->anchor == ANCHOR_MIDDLE)
		dx = -(double)logical.width / PANGO_SCALE / 2;
	else if (p->anchor == ANCHOR_END)
		dx = -(double)logical.width / PANGO_SCALE;
	cairo_save(cr);
	cairo_translate(cr, p->x, p->y);
	cairo_rotate(cr, p->rotate * M_PI / 180.0);
	cairo_move_to(cr, dx, -baseline);
	pango_cairo_update_layout(cr, layout);
	if (p->halo != COLOR_NONE) {
		pango_cairo_layout_path(cr, layout);
		set_color(cr, p->halo, 1);
		cairo_set_line_width(cr, 3);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_set_dash(cr, NULL, 0, 0);
		cairo_stroke(cr);
		cairo_move_to(cr, dx, -baseline);
	}
	set_color(cr, p->fill, 1);
	pango_cairo_show_layout(cr, layout);
	cairo_restore(cr);
}

static void
paint_prim(cairo_t *cr, PangoLayout *layout, const struct prim *p)
{
	static const double dash[] = { 4, 3 };

	if (p->kind == PRIM_TEXT) {
		paint_text(cr, layout, p);
		return;
	}
	cairo_new_path(cr);
	if (p->kind == PRIM_RECT)
		rounded_rect(cr, p->x, p->y, p->w, p->h, p->rx);
	else if (p->kind == PRIM_LINE) {
		cairo_move_to(cr, p->x, p->y);
		cairo_line_to(cr, p->x2, p->y2);
	} else {
		cairo_arc(cr, p->x, p->y, p->r, 0, 2 * M_PI);
	}
	if (p->fill != COLOR_NONE && p->kind != PRIM_LINE) {
		set_color(cr, p->fill, p->fill_opacity);
		cairo_fill_preserve(cr);
	}
	if (p->stroke != COLOR_NONE) {
		set_color(cr, p->stroke, 1);
		cairo_set_line_width(cr, p->stroke_width);
		cairo_set_dash(cr, dash, p->dashed ? 2 : 0, 0);
		cairo_stroke_preserve(cr);
	}
	cairo_new_path(cr);
}

static cairo_status_t
png_append(void *closure, const unsigned char *data, unsigned int len)
{
	return strbuf_add(closure, data, len) < 0 ? CAIRO_STATUS_WRITE_ERROR
						  : CAIRO_STATUS_SUCCESS;
}

int
chart_scene_png(const struct scene *sc, struct strbuf *out,
		struct tw_error *err)
{
	int w = (int)ceil(sc->w) * CHART_PNG_SCALE;
	int h = (int)ceil(sc->h) * CHART_PNG_SCALE;
	cairo_surface_t *surface =
		cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(surface);
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoLayout *layout;
	cairo_status_t st;

	/* Unhinted metrics, so text is as wide as the layout measured it. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_scale(cr, CHART_PNG_SCALE, CHART_PNG_SCALE);
	layout = pango_cairo_create_layout(cr);
	pango_cairo_context_set_font_options(pango_layout_get_context(layout),
					     fo);
	pango_layout_context_changed(layout);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	for (size_t i = 0; i < sc->n; i++)
		paint_prim(cr, layout, &sc->p[i]);
	g_object_unref(layout);
	cairo_font_options_destroy(fo);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(surface, png_append,
						       out);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS)
		return tw_error_set(err, TW_ESTORE, "cannot draw the PNG: %s",
				    cairo_status_to_string(st));
	return 0;
}
