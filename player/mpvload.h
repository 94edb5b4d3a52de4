//go:build cgo

// mpvload.h is the C half of the libmpv binding, as the Go files with cgo
// (mpv.go, mpv_props.go, mpv_render.go) see it. mpvload.c loads libmpv
// with dlopen and calls every mpv_* function through a pointer, because Go
// cannot call a C function pointer itself; the cp_ functions below are
// those calls. Nothing here keeps a Go pointer.
#ifndef CLUSTERPLAY_MPVLOAD_H
#define CLUSTERPLAY_MPVLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <mpv/client.h>
#include <mpv/render.h>

// What cp_load says.
enum { CP_LOAD_OK, CP_LOAD_DLOPEN, CP_LOAD_DLSYM, CP_LOAD_VERSION };

// cp_load opens libmpv (primary, else fallback if not NULL) and resolves
// every function the binding uses. It returns a CP_LOAD_* code; on failure
// err holds dlerror's text. Call it at most once, before any other cp_
// function.
int cp_load(const char *primary, const char *fallback, char *err, size_t errlen);

// cp_create is mpv_create with LC_NUMERIC forced to "C" first.
mpv_handle *cp_create(void);

// The client API, one function each.
unsigned long cp_client_api_version(void);
const char *cp_error_string(int error);
const char *cp_event_name(mpv_event_id id);
void cp_free(void *data);
int cp_initialize(mpv_handle *h);
void cp_terminate_destroy(mpv_handle *h);
int cp_set_option_string(mpv_handle *h, const char *name, const char *data);
int cp_command(mpv_handle *h, const char **args);
int cp_get_property(mpv_handle *h, const char *name, mpv_format format, void *data);
int cp_set_property(mpv_handle *h, const char *name, mpv_format format, void *data);
int cp_observe_property(mpv_handle *h, uint64_t reply_userdata, const char *name, mpv_format format);
int cp_request_log_messages(mpv_handle *h, const char *min_level);
mpv_event *cp_wait_event(mpv_handle *h, double timeout);
void cp_wakeup(mpv_handle *h);

// Property payloads, read in C so Go never dereferences a void* itself.
char *cp_prop_string(mpv_event_property *p);
int cp_prop_flag(mpv_event_property *p);
double cp_prop_double(mpv_event_property *p);
int64_t cp_prop_int64(mpv_event_property *p);

// cp_wake hands mpv's render-update callback to the goroutine that renders
// (see mpvload.c). The bits say who woke it; pane.go spells them in Go.
enum { CP_WAKE_MPV = 1, CP_WAKE_GO = 2 };
typedef struct cp_wake cp_wake;

cp_wake *cp_wake_new(void);
void cp_wake_free(cp_wake *w);
void cp_wake_set(cp_wake *w, int bit);
int cp_wake_wait(cp_wake *w);

// The software render context (mpv/render.h).
int cp_render_create(mpv_handle *h, mpv_render_context **ctx, cp_wake *w);
int cp_render_sw(mpv_render_context *ctx, int w, int h, size_t stride, void *pixels, int skip);
int cp_render_has_frame(mpv_render_context *ctx);
void cp_render_free(mpv_render_context *ctx);

#endif
