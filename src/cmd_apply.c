// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "cmd.h"
#include "compat.h"
#include "ctx.h"
#include "del.h"
#include "link.h"
#include "linkopt.h"
#include "opt.h"
#include "plan.h"
#include "progress.h"

/*
 * apply: declaration files -> one parsed, validated line per device ->
 * one dump -> per device the least plan (create, the settings that
 * differ, or nothing) -> every plan executed into one undo log, which
 * is replayed if any fails -> the report. Nothing is printed or changed
 * until every line has been read, checked and compared.
 */

enum action { ACT_NONE, ACT_CREATE, ACT_CHANGE, ACT_DELETE };

struct apply_port {
	int ifindex;
	struct brport bp;
};

struct decl {
	char *file;			/* for messages (shared, not owned) */
	unsigned int line;
	char name[IFNAMSIZ];
	struct link_opts o;
	bool present;
	struct link_info dev;		/* present: as the kernel has it */
	struct plan plan;
	unsigned int changes;		/* PLAN_* bits that differ */
	enum action act;
};

struct apply {
	bool dry_run, prune;
	char **files;			/* owned names, for messages */
	size_t nfiles;
	struct decl *v;
	size_t n, cap;
	struct decl **byname;		/* &v[i], sorted by name */
	struct link_info *links;	/* the dump, sorted by name */
	size_t nlinks;
	struct link_info *gone;		/* --prune: to delete */
	size_t ngone;
	struct apply_port *ports;	/* the bridge ports, if lines need them */
	size_t nports, capports;
};

/* ---------------------------------------------------------------- reading */

static void strip_comment(char *line)
{
	char *p;

	for (p = line; *p; p++) {
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

/* Messages about a line name it as FILE:LINE, as a batch does. */
static void at_line(struct ctx *ctx, const char *file, unsigned int line)
{
	err_locate(ctx, file, line);
}

static int parse_line(struct ctx *ctx, struct decl *d, const char *text)
{
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_add, 0,
		  NULL, NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_common, 0,
		  NULL, NULL },
		POPT_TABLEEND
	};
	const char **words = NULL, **av = NULL, *name;
	poptContext pc = NULL;
	int ac, rc, ret, i;

	if ((rc = poptParseArgvString(text, &ac, &words)) < 0)
		return err_usage(ctx, "%s", poptStrerror(rc));
	/* popt takes argv[0] for the program: the line's words follow it. */
	av = calloc((size_t)ac + 2, sizeof(*av));
	if (!av) {
		ret = err_sys(ctx, -ENOMEM, NULL);
		goto out;
	}
	av[0] = "apply";
	for (i = 0; i < ac; i++)
		av[i + 1] = words[i];
	pc = opt_context(ac + 1, av, table, NULL);
	while ((rc = poptGetNextOpt(pc)) > 0)
		linkopt_handle(&d->o, pc, rc);
	if (rc < -1) {
		ret = opt_error(ctx, pc, rc);
		goto out;
	}
	if ((ret = opt_name(ctx, pc, false, &name)) ||
	    (ret = opt_no_more(ctx, pc)))
		goto out;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->o.name = d->name;
	ret = plan_check_syntax(ctx, &d->o);
out:
	if (pc)
		poptFreeContext(pc);
	free(av);
	free(words);
	return ret;
}

static struct decl *new_decl(struct ctx *ctx, struct apply *a)
{
	struct decl *v;

	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		v = realloc(a->v, a->cap * sizeof(*v));
		if (!v) {
			err_sys(ctx, -ENOMEM, NULL);
			return NULL;
		}
		a->v = v;
	}
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	return &a->v[a->n++];
}

static int read_stream(struct ctx *ctx, struct apply *a, FILE *f, char *file)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned int no = 0;
	struct decl *d;
	int ret = 0;

	while (!ret && getline(&line, &cap, f) >= 0) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		strip_comment(line);
		if (!line[strspn(line, " \t\r")])
			continue;
		at_line(ctx, file, no);
		ctx_set_name(ctx, "");
		if (!(d = new_decl(ctx, a))) {
			ret = -ENOMEM;
			break;
		}
		d->file = file;
		d->line = no;
		ret = parse_line(ctx, d, line);
	}
	if (!ret && ferror(f)) {
		at_line(ctx, NULL, 0);
		ret = err_fail(ctx, -errno, "%s: %s", file, strerror(errno));
	}
	free(line);
	return ret;
}

static int read_file(struct ctx *ctx, struct apply *a, const char *path,
		     bool may_be_missing)
{
	char **files, *file;
	FILE *f;
	int ret;

	files = realloc(a->files, (a->nfiles + 1) * sizeof(*files));
	if (!files)
		return err_sys(ctx, -ENOMEM, NULL);
	a->files = files;
	if (!(file = strdup(path)))
		return err_sys(ctx, -ENOMEM, NULL);
	a->files[a->nfiles++] = file;
	if (!strcmp(path, "-"))
		return read_stream(ctx, a, stdin, file);
	f = fopen(path, "re");
	if (!f && errno == ENOENT && may_be_missing)
		return 0;
	if (!f)
		return err_fail(ctx, -errno, "%s: %s", path, strerror(errno));
	ret = read_stream(ctx, a, f, file);
	fclose(f);
	return ret;
}

/* Byte order, not the locale's: the same files apply the same way. */
static int by_name(const struct dirent **x, const struct dirent **y)
{
	return strcmp((*x)->d_name, (*y)->d_name);
}

static int conf_file(const struct dirent *e)
{
	return e->d_name[0] != '.' && !fnmatch("*.conf", e->d_name, 0);
}

static int read_defaults(struct ctx *ctx, struct apply *a)
{
	struct dirent **ents = NULL;
	char path[512];
	int n, i, ret;

	if ((ret = read_file(ctx, a, APPLY_CONF, true)))
		return ret;
	n = scandir(APPLY_CONF_DIR, &ents, conf_file, by_name);
	if (n < 0)
		return errno == ENOENT ? 0 :
		       err_fail(ctx, -errno, "%s: %s", APPLY_CONF_DIR,
				strerror(errno));
	for (i = 0, ret = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", APPLY_CONF_DIR,
			 ents[i]->d_name);
		if (!ret)
			ret = read_file(ctx, a, path, true);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

/* ------------------------------------------------------------- comparing */

static int cmp_decl(const void *x, const void *y)
{
	const struct decl *const *a = x, *const *b = y;
	int c = strcmp((*a)->name, (*b)->name);

	if (c)
		return c;
	return *a < *b ? -1 : *a > *b;
}

/* Sorts the declarations by name (a->byname) and refuses a name twice. */
static int check_twice(struct ctx *ctx, struct apply *a)
{
	struct decl **s;
	size_t i;

	if (!a->n)
		return 0;
	if (!(s = malloc(a->n * sizeof(*s))))
		return err_sys(ctx, -ENOMEM, NULL);
	for (i = 0; i < a->n; i++)
		s[i] = &a->v[i];
	qsort(s, a->n, sizeof(*s), cmp_decl);
	a->byname = s;
	for (i = 1; i < a->n; i++) {
		if (strcmp(s[i - 1]->name, s[i]->name))
			continue;
		at_line(ctx, s[i]->file, s[i]->line);
		ctx_set_name(ctx, s[i]->name);
		return err_usage(ctx, "declared twice (first at %s:%u)",
				 s[i - 1]->file, s[i - 1]->line);
	}
	return 0;
}

static int cmp_link(const void *x, const void *y)
{
	return strcmp(((const struct link_info *)x)->ifname,
		      ((const struct link_info *)y)->ifname);
}

static const struct link_info *find(const struct apply *a, const char *name)
{
	return link_find(a->links, a->nlinks, name);
}

static const char *kind_of(const struct link_opts *o)
{
	return o->macvtap ? "macvtap" : o->tun ? "tun" : "tap";
}

static int flag_differs(struct ctx *ctx, const char *flag)
{
	return err_fail(ctx, -EEXIST,
			"declared with %s, which the device was not made with (flags are fixed at creation)",
			flag);
}

/*
 * What cannot be changed on an existing device: its kind, the lower link
 * of a macvtap, and the tun flags the line declares (an undeclared one
 * is not compared: QEMU may switch vnet_hdr on when it attaches).
 */
static int check_kind(struct ctx *ctx, const struct apply *a,
		      const struct decl *d)
{
	const struct link_info *dev = &d->dev, *lower;
	const struct link_opts *o = &d->o;
	const char *want = kind_of(o);

	if (!link_managed(dev))
		return err_fail(ctx, -EEXIST,
				"a %s of this name exists, not a tun, tap or macvtap device",
				dev->info_kind[0] ? dev->info_kind : "link");
	if (strcmp(want, link_kind_name(dev->kind)))
		return err_fail(ctx, -EEXIST,
				"declared a %s, but the device is a %s (delete it to make it anew)",
				want, link_kind_name(dev->kind));
	if (o->macvtap) {
		lower = find(a, o->macvtap);
		if (!lower || lower->ifindex != dev->link)
			return err_fail(ctx, -EEXIST,
					"declared on --macvtap %s, but the macvtap is on another lower link",
					o->macvtap);
	}
	if (o->vnet_hdr && !dev->vnet_hdr)
		return flag_differs(ctx, "--vnet-hdr");
	if (o->multi_queue && !dev->multi_queue)
		return flag_differs(ctx, "--multi-queue");
	if (o->pi && !dev->pi)
		return flag_differs(ctx, "--pi");
	return 0;
}

static const struct brport *port_of(const struct apply *a, int ifindex)
{
	size_t i;

	for (i = 0; i < a->nports; i++)
		if (a->ports[i].ifindex == ifindex)
			return &a->ports[i].bp;
	return NULL;
}

/* An existing device: the options as set takes them. */
static int plan_existing(struct ctx *ctx, const struct apply *a,
			 struct decl *d)
{
	struct link_opts so = d->o;
	struct plan full;
	int ret;

	so.tun = so.tap = so.vnet_hdr = so.multi_queue = so.pi = false;
	so.macvtap = NULL;
	if ((ret = plan_from_opts(ctx, &so, &d->dev, &full)))
		return ret;
	d->changes = plan_differs(ctx, &full, &d->dev,
				  port_of(a, d->dev.ifindex));
	d->plan = full;
	d->plan.mask = d->changes;
	/*
	 * Joining a bridge with port settings while up: the executor joins
	 * it down and brings it up after them, if it knows it is to be up.
	 */
	if ((d->changes & PLAN_MASTER) && (d->changes & PLAN_PORT_MASK))
		d->plan.mask |= full.mask & PLAN_UP;
	d->act = d->changes ? ACT_CHANGE : ACT_NONE;
	return 0;
}

static int plan_decl(struct ctx *ctx, struct apply *a, struct decl *d)
{
	const struct link_info *dev = find(a, d->name);
	int ret;

	at_line(ctx, d->file, d->line);
	ctx_set_name(ctx, d->name);
	/* a->v moved as it grew. */
	d->o.name = d->name;
	if (!dev) {
		if ((ret = plan_from_opts(ctx, &d->o, NULL, &d->plan)))
			return ret;
		d->plan.mask |= PLAN_MARK;
		d->act = ACT_CREATE;
		return 0;
	}
	d->present = true;
	d->dev = *dev;
	if ((ret = check_kind(ctx, a, d)))
		return ret;
	return plan_existing(ctx, a, d);
}

static int cmp_decl_name(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct decl *const *)elem)->name);
}

static bool declared(const struct apply *a, const char *name)
{
	return a->n && bsearch(name, a->byname, a->n, sizeof(*a->byname),
			       cmp_decl_name);
}

static int find_gone(struct ctx *ctx, struct apply *a)
{
	size_t i;

	for (i = 0; i < a->nlinks; i++) {
		const struct link_info *li = &a->links[i];

		if (!li->apply_mark || !link_managed(li) ||
		    declared(a, li->ifname))
			continue;
		if (!a->gone && !(a->gone = calloc(a->nlinks, sizeof(*li))))
			return err_sys(ctx, -ENOMEM, NULL);
		a->gone[a->ngone++] = *li;
	}
	return 0;
}

static int collect_port(int ifindex, const struct brport *bp, void *data)
{
	struct apply *a = data;
	struct apply_port *v;
	size_t cap;

	if (a->nports == a->capports) {
		cap = a->capports ? 2 * a->capports : 16;
		v = realloc(a->ports, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		a->ports = v;
		a->capports = cap;
	}
	a->ports[a->nports].ifindex = ifindex;
	a->ports[a->nports++].bp = *bp;
	return 0;
}

/* One AF_BRIDGE dump for the lines with bridge-port settings, if any. */
static int dump_ports(struct ctx *ctx, struct apply *a)
{
	size_t i;
	int ret;

	for (i = 0; i < a->n; i++) {
		const struct link_opts *o = &a->v[i].o;

		if (o->pvid || o->vlan || o->isolated || o->no_isolated)
			break;
	}
	if (i == a->n)
		return 0;
	ret = brport_dump(ctx, collect_port, a);
	return ret ? err_sys(ctx, ret, "read the bridge ports") : 0;
}

static int plan_all(struct ctx *ctx, struct apply *a)
{
	size_t i;
	int ret;

	if ((ret = link_dump_all(ctx, &a->links, &a->nlinks)))
		return err_sys(ctx, ret, "read the links");
	if ((ret = dump_ports(ctx, a)))
		return ret;
	qsort(a->links, a->nlinks, sizeof(*a->links), cmp_link);
	/* Bridges and lower links from the dump: no request per line. */
	link_cache_set(ctx, a->links, a->nlinks);
	for (i = 0, ret = 0; i < a->n && !ret; i++)
		ret = plan_decl(ctx, a, &a->v[i]);
	link_cache_set(ctx, NULL, 0);
	if (!ret)
		at_line(ctx, NULL, 0);
	if (!ret && a->prune)
		ret = find_gone(ctx, a);
	return ret;
}

/* ------------------------------------------------------------- executing */

/*
 * As `del NAME...` does it: every name checked again, then all of them
 * unregistered in one kernel batch, all or nothing (del.h).
 */
static int prune(struct ctx *ctx, struct apply *a)
{
	struct del_unit u = { .argc = (int)a->ngone + 1 };
	const char **av;
	size_t i;

	if (!(av = calloc(a->ngone + 2, sizeof(*av))))
		return err_sys(ctx, -ENOMEM, NULL);
	av[0] = "del";
	for (i = 0; i < a->ngone; i++)
		av[i + 1] = a->gone[i].ifname;
	u.argv = av;
	del_run(ctx, &u, 1);
	free(av);
	if (!u.ret)
		return 0;
	ctx->err = u.err;
	ctx_set_name(ctx, u.name);
	return u.ret;
}

static int report(struct ctx *ctx, const struct apply *a);

static int execute(struct ctx *ctx, struct apply *a)
{
	struct plan_result res;
	struct undo u;
	size_t i;
	int ret = 0;

	undo_init(&u);
	progress_start(ctx, a->n);
	for (i = 0; i < a->n && !ret; i++) {
		struct decl *d = &a->v[i];

		progress_step(ctx, 1);
		if (d->act == ACT_NONE)
			continue;
		ctx_set_name(ctx, d->name);
		ret = plan_exec(ctx, &d->plan, d->present ? &d->dev : NULL,
				&u, &res);
	}
	progress_end(ctx);
	/*
	 * The report while everything can still be undone: a caller that
	 * cannot read what was done (a full disk, a closed pipe) gets
	 * nothing done.
	 */
	if (!ret) {
		ctx->name[0] = '\0';
		ret = report(ctx, a);
	}
	/* Last, as the one step that cannot be undone: all in one batch. */
	if (!ret && a->ngone)
		ret = prune(ctx, a);
	if (ret)
		undo_run(ctx, &u);
	undo_free(&u);
	return ret;
}

/* ------------------------------------------------------------- reporting */

static const char *action_word(enum action act, bool dry_run)
{
	static const char *const done[] = {
		"unchanged", "created", "changed", "deleted" };
	static const char *const would[] = {
		"unchanged", "would create", "would change", "would delete" };

	return dry_run ? would[act] : done[act];
}

static void report_one(struct ctx *ctx, const struct apply *a,
		       const char *name, enum action act, unsigned int changes)
{
	static const char *const json_word[] = {
		"unchanged", "created", "changed", "deleted" };
	struct out *o = &ctx->out;
	bool first = true;
	size_t i;

	out_obj_open(o, NULL);
	out_str(o, NULL, "%s ", action_word(act, a->dry_run));
	out_str(o, "ifname", "%s", name);
	out_str(o, "action", NULL, json_word[act]);
	out_arr_open(o, "changes");
	for (i = 0; i < plan_nsettings; i++) {
		if (!(changes & plan_settings[i].bit))
			continue;
		out_item(o, first ? ": %s" : ", %s", plan_settings[i].name);
		first = false;
	}
	out_arr_close(o);
	out_obj_close(o);
	out_text(o, "\n");
}

/* Printed and flushed: 0, or the failed write recorded. */
static int report(struct ctx *ctx, const struct apply *a)
{
	size_t i;

	if (ctx->quiet)
		return 0;
	errno = 0;
	out_arr_open(&ctx->out, NULL);
	for (i = 0; i < a->n; i++)
		report_one(ctx, a, a->v[i].name, a->v[i].act, a->v[i].changes);
	for (i = 0; i < a->ngone; i++)
		report_one(ctx, a, a->gone[i].ifname, ACT_DELETE, 0);
	out_arr_close(&ctx->out);
	out_end(&ctx->out);
	if (fflush(stdout) || ferror(stdout))
		return err_sys(ctx, errno ? -errno : -EIO,
			       "write the report to standard output");
	return 0;
}

static void apply_free(struct apply *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		linkopt_free(&a->v[i].o);
	for (i = 0; i < a->nfiles; i++)
		free(a->files[i]);
	free(a->files);
	free(a->v);
	free(a->byname);
	free(a->links);
	free(a->gone);
	free(a->ports);
}

int cmd_apply(struct ctx *ctx, int argc, const char **argv)
{
	struct apply a = { 0 };
	struct poptOption table[] = {
		{ "dry-run", 0, POPT_ARG_NONE, NULL, 'n',
		  "print what would be done and change nothing", NULL },
		{ "prune", 0, POPT_ARG_NONE, NULL, 'p',
		  "also delete devices an earlier apply made that no file declares",
		  NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	const char *arg;
	poptContext pc;
	int rc, ret = 0;

	pc = opt_context(argc, argv, table, "[FILE...]");
	while ((rc = poptGetNextOpt(pc)) > 0) {
		switch (rc) {
		case OPT_HELP_VAL:
			opt_help(pc);
			goto out;
		case 'n':
			a.dry_run = true;
			break;
		case 'p':
			a.prune = true;
			break;
		}
	}
	if (rc < -1) {
		ret = opt_error(ctx, pc, rc);
		goto out;
	}
	/* It would make devices for root from files the caller wrote. */
	if (ctx->privileged) {
		ret = err_fail(ctx, -EPERM, "not available to unprivileged users");
		goto out;
	}
	if (!poptPeekArg(pc))
		ret = read_defaults(ctx, &a);
	while (!ret && (arg = poptGetArg(pc)))
		ret = read_file(ctx, &a, arg, false);
	if (ret || (ret = check_twice(ctx, &a)) || (ret = plan_all(ctx, &a)))
		goto out;
	ctx->name[0] = '\0';
	ret = a.dry_run ? report(ctx, &a) : execute(ctx, &a);
out:
	/* A recorded error keeps its FILE:LINE; the names die with @a. */
	err_locate(ctx, NULL, 0);
	apply_free(&a);
	poptFreeContext(pc);
	return ret;
}
