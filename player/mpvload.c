//go:build cgo

// mpvload.c is the C half of the libmpv binding (see mpvload.h). The
// binary does not link libmpv: it compiles against the header only and
// dlopens the library on the first New, because libmpv drags in some 200
// shared libraries whose pages cost tens of MB of RSS at start-up, which a
// process that never plays (--print-url, --version) should not pay, and
// which a machine that only resolves need not have installed.

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <pthread.h>
#include "mpvload.h"

// errors.go and mpv_types.go spell these as Go literals; keep them honest.
_Static_assert(MPV_ERROR_EVENT_QUEUE_FULL == -1, "mpv_error renumbered");
_Static_assert(MPV_ERROR_NOMEM == -2, "mpv_error renumbered");
_Static_assert(MPV_ERROR_UNINITIALIZED == -3, "mpv_error renumbered");
_Static_assert(MPV_ERROR_INVALID_PARAMETER == -4, "mpv_error renumbered");
_Static_assert(MPV_ERROR_OPTION_NOT_FOUND == -5, "mpv_error renumbered");
_Static_assert(MPV_ERROR_OPTION_FORMAT == -6, "mpv_error renumbered");
_Static_assert(MPV_ERROR_OPTION_ERROR == -7, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_NOT_FOUND == -8, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_FORMAT == -9, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_UNAVAILABLE == -10, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_ERROR == -11, "mpv_error renumbered");
_Static_assert(MPV_ERROR_COMMAND == -12, "mpv_error renumbered");
_Static_assert(MPV_ERROR_LOADING_FAILED == -13, "mpv_error renumbered");
_Static_assert(MPV_ERROR_AO_INIT_FAILED == -14, "mpv_error renumbered");
_Static_assert(MPV_ERROR_VO_INIT_FAILED == -15, "mpv_error renumbered");
_Static_assert(MPV_ERROR_NOTHING_TO_PLAY == -16, "mpv_error renumbered");
_Static_assert(MPV_ERROR_UNKNOWN_FORMAT == -17, "mpv_error renumbered");
_Static_assert(MPV_ERROR_UNSUPPORTED == -18, "mpv_error renumbered");
_Static_assert(MPV_ERROR_NOT_IMPLEMENTED == -19, "mpv_error renumbered");
_Static_assert(MPV_ERROR_GENERIC == -20, "mpv_error renumbered");
_Static_assert(MPV_FORMAT_STRING == 1 && MPV_FORMAT_FLAG == 3 && MPV_FORMAT_INT64 == 4 &&
	MPV_FORMAT_DOUBLE == 5, "mpv_format renumbered");
_Static_assert(MPV_EVENT_SHUTDOWN == 1 && MPV_EVENT_LOG_MESSAGE == 2 && MPV_EVENT_START_FILE == 6 &&
	MPV_EVENT_END_FILE == 7 && MPV_EVENT_FILE_LOADED == 8 && MPV_EVENT_IDLE == 11 &&
	MPV_EVENT_SEEK == 20 && MPV_EVENT_PLAYBACK_RESTART == 21 &&
	MPV_EVENT_PROPERTY_CHANGE == 22, "mpv_event_id renumbered");
_Static_assert(MPV_END_FILE_REASON_EOF == 0 && MPV_END_FILE_REASON_STOP == 2 &&
	MPV_END_FILE_REASON_QUIT == 3 && MPV_END_FILE_REASON_ERROR == 4 &&
	MPV_END_FILE_REASON_REDIRECT == 5, "mpv_end_file_reason renumbered");

// Every libmpv function the binding uses; X(name) stands for mpv_name.
#define CP_MPV_FUNCS(X) \
	X(client_api_version) \
	X(error_string) \
	X(event_name) \
	X(free) \
	X(create) \
	X(initialize) \
	X(terminate_destroy) \
	X(set_option_string) \
	X(command) \
	X(get_property) \
	X(set_property) \
	X(observe_property) \
	X(request_log_messages) \
	X(wait_event) \
	X(wakeup) \
	X(render_context_create) \
	X(render_context_set_update_callback) \
	X(render_context_get_info) \
	X(render_context_render) \
	X(render_context_free)

// The pointers take their types from the header's prototypes, so a wrapper
// below that calls one wrongly fails to compile, as a direct call would.
#define CP_FIELD(name) __typeof__(&mpv_##name) name;
static struct { CP_MPV_FUNCS(CP_FIELD) } cp_mpv;

// cp_load opens libmpv (primary, else fallback if not NULL) and resolves
// every function into cp_mpv. It returns a CP_LOAD_* code; on failure err
// holds dlerror's text (thread-local in libc, so it is copied here, in the
// same call). Go calls it at most once (sync.Once), so there is no race on
// cp_mpv: its writes happen before any use, which the Once orders.
int cp_load(const char *primary, const char *fallback, char *err, size_t errlen) {
	// RTLD_GLOBAL: mpv's C plugin scripts, which a user's mpv config may load,
	// resolve the mpv_* functions from the global scope.
	void *lib = dlopen(primary, RTLD_NOW | RTLD_GLOBAL);
	if (lib == NULL) {
		const char *e = dlerror();
		snprintf(err, errlen, "%s", e ? e : primary);
		if (fallback == NULL || (lib = dlopen(fallback, RTLD_NOW | RTLD_GLOBAL)) == NULL) {
			return CP_LOAD_DLOPEN; // the first error: the soname is what was missing
		}
	}
	dlerror();
#define CP_SYM(name) \
	if ((cp_mpv.name = (__typeof__(cp_mpv.name))dlsym(lib, "mpv_" #name)) == NULL) { \
		const char *e = dlerror(); \
		snprintf(err, errlen, "%s", e ? e : "mpv_" #name ": symbol is NULL"); \
		goto fail; \
	}
	CP_MPV_FUNCS(CP_SYM)
#undef CP_SYM
	// The binding reads API 2.x structs; a library of another major (a
	// libmpv.so symlink to libmpv.so.1, say) would be misread.
	unsigned long v = cp_mpv.client_api_version();
	if (v >> 16 != MPV_CLIENT_API_VERSION >> 16) {
		snprintf(err, errlen, "client API %lu.%lu, this build needs %lu.x",
			v >> 16, v & 0xffff, (unsigned long)(MPV_CLIENT_API_VERSION >> 16));
		memset(&cp_mpv, 0, sizeof cp_mpv);
		dlclose(lib);
		return CP_LOAD_VERSION;
	}
	return CP_LOAD_OK;
fail:
	memset(&cp_mpv, 0, sizeof cp_mpv);
	dlclose(lib);
	return CP_LOAD_DLSYM;
}

// mpv_create returns NULL unless LC_NUMERIC is "C" (mpv parses and prints
// floats with the C library), so force it right before creating.
mpv_handle *cp_create(void) {
	setlocale(LC_NUMERIC, "C");
	return cp_mpv.create();
}

// The wrappers, because Go cannot call a C function pointer itself.
unsigned long cp_client_api_version(void) { return cp_mpv.client_api_version(); }
const char *cp_error_string(int error) { return cp_mpv.error_string(error); }
const char *cp_event_name(mpv_event_id id) { return cp_mpv.event_name(id); }
void cp_free(void *data) { cp_mpv.free(data); }
int cp_initialize(mpv_handle *h) { return cp_mpv.initialize(h); }
void cp_terminate_destroy(mpv_handle *h) { cp_mpv.terminate_destroy(h); }
int cp_set_option_string(mpv_handle *h, const char *name, const char *data) {
	return cp_mpv.set_option_string(h, name, data);
}
int cp_command(mpv_handle *h, const char **args) { return cp_mpv.command(h, args); }
int cp_get_property(mpv_handle *h, const char *name, mpv_format format, void *data) {
	return cp_mpv.get_property(h, name, format, data);
}
int cp_set_property(mpv_handle *h, const char *name, mpv_format format, void *data) {
	return cp_mpv.set_property(h, name, format, data);
}
int cp_observe_property(mpv_handle *h, uint64_t reply_userdata, const char *name, mpv_format format) {
	return cp_mpv.observe_property(h, reply_userdata, name, format);
}
int cp_request_log_messages(mpv_handle *h, const char *min_level) {
	return cp_mpv.request_log_messages(h, min_level);
}
mpv_event *cp_wait_event(mpv_handle *h, double timeout) { return cp_mpv.wait_event(h, timeout); }
void cp_wakeup(mpv_handle *h) { cp_mpv.wakeup(h); }

// cp_wake hands mpv's render-update callback to the goroutine that renders.
// mpv forbids calling any of its functions from that callback, so it only
// sets a bit and signals; Go sets its own bit (a resize, a stop) the same
// way, so one blocking wait serves both. It lives in C memory because mpv
// keeps the pointer.
struct cp_wake {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int bits;
};

cp_wake *cp_wake_new(void) {
	cp_wake *w = calloc(1, sizeof *w);
	if (w != NULL) {
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cond, NULL);
	}
	return w;
}

void cp_wake_free(cp_wake *w) {
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void cp_wake_set(cp_wake *w, int bit) {
	pthread_mutex_lock(&w->mu);
	w->bits |= bit;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

int cp_wake_wait(cp_wake *w) {
	pthread_mutex_lock(&w->mu);
	while (w->bits == 0) {
		pthread_cond_wait(&w->cond, &w->mu);
	}
	int bits = w->bits;
	w->bits = 0;
	pthread_mutex_unlock(&w->mu);
	return bits;
}

static void cp_on_render_update(void *ctx) { cp_wake_set(ctx, CP_WAKE_MPV); }

int cp_render_create(mpv_handle *h, mpv_render_context **ctx, cp_wake *w) {
	mpv_render_param params[] = {
		{MPV_RENDER_PARAM_API_TYPE, (void *)MPV_RENDER_API_TYPE_SW},
		{MPV_RENDER_PARAM_INVALID, NULL},
	};
	int err = cp_mpv.render_context_create(ctx, h, params);
	if (err >= 0) {
		cp_mpv.render_context_set_update_callback(*ctx, cp_on_render_update, w);
	}
	return err;
}

// cp_render_sw renders the current frame into pixels (rgb0, w x h, stride
// bytes a row), or with skip set takes the frame off mpv's queue without
// drawing it. The parameters are built here so Go passes no pointers to Go
// pointers. It never blocks for the frame's display time: the caller paces.
int cp_render_sw(mpv_render_context *ctx, int w, int h, size_t stride, void *pixels, int skip) {
	int size[2] = {w, h};
	int block = 0;
	mpv_render_param params[] = {
		{MPV_RENDER_PARAM_SW_SIZE, size},
		{MPV_RENDER_PARAM_SW_FORMAT, (void *)"rgb0"},
		{MPV_RENDER_PARAM_SW_STRIDE, &stride},
		{MPV_RENDER_PARAM_SW_POINTER, pixels},
		{MPV_RENDER_PARAM_BLOCK_FOR_TARGET_TIME, &block},
		{MPV_RENDER_PARAM_SKIP_RENDERING, &skip},
		{MPV_RENDER_PARAM_INVALID, NULL},
	};
	return cp_mpv.render_context_render(ctx, params);
}

// cp_render_has_frame says whether mpv queued a frame to draw (or to
// redraw), rather than waking the renderer for a change of its video
// output, after which it may hold no picture at all.
int cp_render_has_frame(mpv_render_context *ctx) {
	mpv_render_frame_info info = {0};
	mpv_render_param param = {MPV_RENDER_PARAM_NEXT_FRAME_INFO, &info};
	return cp_mpv.render_context_get_info(ctx, param) >= 0 &&
		(info.flags & MPV_RENDER_FRAME_INFO_PRESENT) != 0;
}
void cp_render_free(mpv_render_context *ctx) { cp_mpv.render_context_free(ctx); }

// Property payloads are read in C so Go never dereferences a void* itself.
char *cp_prop_string(mpv_event_property *p) { return *(char **)p->data; }
int cp_prop_flag(mpv_event_property *p) { return *(int *)p->data; }
double cp_prop_double(mpv_event_property *p) { return *(double *)p->data; }
int64_t cp_prop_int64(mpv_event_property *p) { return *(int64_t *)p->data; }
