// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cmd.h"
#include "compat.h"
#include "ctx.h"
#include "netns.h"
#include "nl.h"
#include "opt.h"
#include "priv.h"

static const struct cmd cmds[] = {
	{ "add", cmd_add, "add NAME [OPTIONS]",
	  "create a persistent tun/tap device or a macvtap link", 0 },
	{ "del", cmd_del, "del NAME...",
	  "delete tun/tap/macvtap devices", 0 },
	{ "apply", cmd_apply, "apply [--dry-run] [--prune] [FILE...]",
	  "make the devices of declaration files exist as declared", 0 },
	{ "set", cmd_set, "set NAME [OPTIONS]",
	  "change an existing tun/tap/macvtap device", 0 },
	{ "list", cmd_list, "list [-d] [NAME...]",
	  "show tun/tap/macvtap devices (alias: show)", 0 },
	{ "show", cmd_list, NULL, NULL, 0 },
	{ "exec", cmd_exec, "exec [OPTIONS] NAME -- PROGRAM [ARGS...]",
	  "open a device and run PROGRAM with its descriptor",
	  CMD_NO_BATCH | CMD_OWN_STATUS },
	{ "ifup", cmd_ifup, "ifup [--bridge BR] [--pvid VID] [--vlan LIST] [--isolated] IFNAME",
	  "qemu-ifup: bring IFNAME up in a bridge", 0 },
	{ "ifdown", cmd_ifdown, "ifdown IFNAME",
	  "qemu-ifdown: take IFNAME out of its bridge and down", 0 },
	{ "bridge-helper", cmd_bridge_helper,
	  "bridge-helper [--use-vnet] --br=BRIDGE --fd=N",
	  "qemu-bridge-helper replacement", CMD_NO_BATCH },
	{ "tunctl", cmd_tunctl, "tunctl [tunctl options]",
	  "tunctl compatibility mode", 0 },
};

const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: tapctl [OPTIONS] COMMAND [ARGS...]\n"
	      "\n"
	      "Options:\n"
	      "  -n, --netns NAME|PATH  act inside a network namespace\n"
	      "  -j, --json             machine-readable output\n"
	      "  -q, --quiet            print nothing on success\n"
	      "  -b, --batch FILE       run commands from FILE (- for stdin)\n"
	      "      --force            with --batch: go on past failing lines\n"
	      "  -h, --help             show this help and exit\n"
	      "  -V, --version          show the version and exit\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].synopsis)
			fprintf(f, "  %-44s %s\n", cmds[i].synopsis,
				cmds[i].summary);
	fputs("\nRun 'tapctl COMMAND --help' for the options of a command.\n",
	      f);
}

static int run(struct ctx *ctx, int argc, const char **argv)
{
	const struct cmd *c = cmd_find(argv[0]);
	int ret;

	err_clear(ctx);
	ctx->name[0] = '\0';
	ctx->cmd = NULL;
	ctx->bare_errors = false;
	if (!c) {
		ctx_set_name(ctx, "");
		err_usage(ctx, "unknown command \"%s\" (see tapctl --help)",
			  argv[0]);
		err_report(ctx);
		return 2;
	}
	ctx->cmd = c->name;
	if (ctx->in_batch && (c->flags & CMD_NO_BATCH)) {
		err_usage(ctx, "not available in batch mode");
		err_report(ctx);
		return 2;
	}
	ret = c->fn(ctx, argc, argv);
	err_report(ctx);
	if (c->flags & CMD_OWN_STATUS)
		return ret;
	return err_status(ctx, ret);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* tunctl, qemu-bridge-helper, qemu-ifup and friends, by symlink. */
static const char *multicall(const char *argv0)
{
	const char *b = base_name(argv0);

	if (!strcmp(b, "tunctl"))
		return "tunctl";
	if (!strcmp(b, "qemu-bridge-helper"))
		return "bridge-helper";
	if (ends_with(b, "ifup"))
		return "ifup";
	if (ends_with(b, "ifdown"))
		return "ifdown";
	return NULL;
}

/* The global options, as given. */
struct global {
	char *netns, *batch_file;
	const char **av;
	int ac;
	bool done;		/* -h or -V: nothing left to do */
};

/* Parses the global options; returns an exit status if that is all. */
static int parse_global(struct ctx *ctx, int argc, const char **argv,
			poptContext *pcp, struct global *g)
{
	const struct poptOption opts[] = {
		{ "netns", 'n', POPT_ARG_STRING, NULL, 'n', NULL, NULL },
		{ "json", 'j', POPT_ARG_NONE, NULL, 'j', NULL, NULL },
		{ "quiet", 'q', POPT_ARG_NONE, NULL, 'q', NULL, NULL },
		{ "batch", 'b', POPT_ARG_STRING, NULL, 'b', NULL, NULL },
		{ "force", 0, POPT_ARG_NONE, NULL, 'f', NULL, NULL },
		{ "help", 'h', POPT_ARG_NONE, NULL, 'h', NULL, NULL },
		{ "version", 'V', POPT_ARG_NONE, NULL, 'V', NULL, NULL },
		POPT_TABLEEND
	};
	poptContext pc;
	int rc;

	/* Commands are parsed by popt too; POSIXLY_CORRECT would stop it. */
	unsetenv("POSIXLY_CORRECT");
	unsetenv("POSIX_ME_HARDER");
	pc = poptGetContext("tapctl", argc, argv, opts,
			    POPT_CONTEXT_POSIXMEHARDER | POPT_CONTEXT_NO_EXEC);
	*pcp = pc;
	while ((rc = poptGetNextOpt(pc)) > 0) {
		switch (rc) {
		case 'n':
			opt_take(pc, &g->netns);
			break;
		case 'b':
			opt_take(pc, &g->batch_file);
			break;
		case 'j':
			ctx->json = true;
			break;
		case 'q':
			ctx->quiet = true;
			break;
		case 'f':
			ctx->force = true;
			break;
		case 'h':
			usage(stdout);
			g->done = true;
			return 0;
		case 'V':
			printf("tapctl %s\n", PACKAGE_VERSION);
			g->done = true;
			return 0;
		}
	}
	if (rc < -1) {
		err_usage(ctx, "%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS),
			  poptStrerror(rc));
		return 2;
	}
	g->av = poptGetArgs(pc);
	for (g->ac = 0; g->av && g->av[g->ac]; g->ac++)
		;
	return 0;
}

/*
 * The global options together, and the namespace entered. Returns 0 or
 * an exit status, the reason recorded.
 */
static int check_global(struct ctx *ctx, const struct global *g)
{
	if (ctx->force && !g->batch_file)
		return err_usage(ctx, "--force: only with --batch"), 2;
	if (g->batch_file && g->ac)
		return err_usage(ctx, "--batch: unexpected argument \"%s\"",
				 g->av[0]), 2;
	if (!g->batch_file && !g->ac) {
		usage(stderr);
		return 2;
	}
	/* setns needs more than the policy can vouch for. */
	if (g->netns && ctx->privileged)
		return err_fail(ctx, -EPERM, "--netns: not available to unprivileged users"), 1;
	if (g->netns && ns_enter(ctx, g->netns))
		return err_status(ctx, -1);
	return 0;
}

int main(int argc, const char **argv)
{
	static struct ctx ctx;
	const char *as = multicall(argc > 0 ? argv[0] : "tapctl");
	struct global g = { 0 };
	poptContext pc = NULL;
	int status;

	priv_init(&ctx);
	out_init(&ctx.out, stdout, false);
	if (as) {
		/* The legacy grammars own the whole command line. */
		argv[0] = as;
		ctx.cmd = as;
		status = run(&ctx, argc, argv);
		goto out;
	}
	status = parse_global(&ctx, argc, argv, &pc, &g);
	if (!status && !g.done) {
		out_init(&ctx.out, stdout, ctx.json);
		status = check_global(&ctx, &g);
	}
	if (status || g.done) {
		err_report(&ctx);
		goto done;
	}
	status = g.batch_file ? batch(&ctx, g.batch_file, run) : run(&ctx, g.ac, g.av);
done:
	poptFreeContext(pc);
	free(g.netns);
	free(g.batch_file);
out:
	nl_close(&ctx);
	if (fflush(stdout) || ferror(stdout)) {
		if (!status) {
			err_clear(&ctx);
			ctx.cmd = NULL;
			ctx.batch_file = NULL;
			err_fail(&ctx, -EIO, "write error on standard output");
			err_report(&ctx);
		}
		return status ? status : 1;
	}
	return status;
}
