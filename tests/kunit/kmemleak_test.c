// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: no memory leak.  Built only with CONFIG_DEBUG_KMEMLEAK
 * (scripts/kunit --debug) and linked last (Kbuild), so that KUnit, which
 * runs built-in suites in link order, runs it after every other lb suite.
 *
 * Kmemleak only reports what a scan finds, and nothing in a KUnit boot
 * scans: debug.config turns its scanning thread off, and this suite does
 * what a user would through /sys/kernel/debug/kmemleak, on a private
 * mount of debugfs.  It waits past kmemleak's minimum object age (5 s,
 * MSECS_MIN_AGE in mm/kmemleak.c: younger objects are never reported),
 * writes "scan" twice (an unreferenced object is reported only once its
 * checksum is the same in two scans in a row: the first scan of an
 * object records it), then reads the report back.  A leaked object whose
 * allocation backtrace names an lb function (lb_*, as is every function
 * in kmod/ and every test case), or that a KUnit case thread allocated
 * (kunit_try_catch: only lb's suites run in this kernel), fails the test
 * with kmemleak's lines for it.  Leaks of the core UML kernel, allocated
 * elsewhere, are counted and not failed.
 *
 * The file only has .read (seq_read) and .write, which take user memory
 * (kernel_read() and kernel_write() want .read_iter and .write_iter):
 * the commands and the report go through a page the test maps with
 * kunit_vm_mmap().
 */
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/test.h>

/* kmemleak's MSECS_MIN_AGE and some room for the jiffies it rounds to. */
#define LEAK_MIN_AGE_MS		(5000 + 500)
/* The lb leaks shown in full; the rest are only counted. */
#define LEAK_SHOW		10
#define LEAK_LINE		256
#define LEAK_BLOCK		4096

struct leak_scan {
	struct kunit *test;
	struct file *file;
	char __user *ubuf;
	char line[LEAK_LINE];
	size_t line_len;
	char *block;		/* the lines of the object being read */
	size_t block_len;
	bool in_object, in_trace, ours;
	unsigned int objects, lb_objects;
};

static void leak_mntput(void *mnt)
{
	mntput(mnt);
}

static void leak_fput(void *file)
{
	fput(file);
}

/* Debugfs mounted for this test alone, and its kmemleak file opened. */
static struct file *leak_open(struct kunit *test)
{
	struct file_system_type *fs = get_fs_type("debugfs");
	struct vfsmount *mnt;
	struct file *file;

	KUNIT_ASSERT_NOT_NULL_MSG(test, fs, "no debugfs");
	mnt = vfs_kern_mount(fs, 0, "debugfs", NULL);
	module_put(fs->owner);		/* put_filesystem(), not exported */
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(mnt), "mounting debugfs: %ld",
			       PTR_ERR(mnt));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, leak_mntput,
							mnt), 0);
	file = file_open_root_mnt(mnt, "kmemleak", O_RDWR, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file),
			       "opening debugfs kmemleak: %ld", PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, leak_fput,
							file), 0);
	return file;
}

/* One command to kmemleak, as "echo scan > kmemleak" writes it. */
static void leak_cmd(struct leak_scan *s, const char *cmd)
{
	size_t len = strlen(cmd);
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_EQ(s->test, copy_to_user(s->ubuf, cmd, len), 0);
	n = s->file->f_op->write(s->file, s->ubuf, len, &pos);
	/* -EPERM: kmemleak turned itself off (see the kernel log). */
	KUNIT_ASSERT_EQ_MSG(s->test, n, (ssize_t)len,
			    "kmemleak refused \"%s\" (%zd): it is off", cmd, n);
}

/* The object just read: fail the test on it if it is lb's. */
static void leak_object_end(struct leak_scan *s)
{
	if (!s->in_object)
		return;
	s->in_object = false;
	s->objects++;
	if (!s->ours)
		return;
	if (++s->lb_objects <= LEAK_SHOW)
		KUNIT_FAIL(s->test, "memory leaked by lb:\n%.*s",
			   (int)s->block_len, s->block);
}

static void leak_line(struct leak_scan *s, const char *l)
{
	const char *fn = l + strspn(l, " ");

	if (str_has_prefix(l, "unreferenced object ")) {
		leak_object_end(s);
		s->in_object = true;
		s->in_trace = false;
		s->ours = false;
		s->block_len = 0;
	}
	if (!s->in_object)
		return;
	s->block_len += scnprintf(s->block + s->block_len,
				  LEAK_BLOCK - s->block_len, "%s\n", l);
	if (str_has_prefix(l, "  comm \"kunit_try_catch\""))
		s->ours = true;
	else if (str_has_prefix(l, "  backtrace"))
		s->in_trace = true;
	else if (s->in_trace && str_has_prefix(fn, "lb_"))
		s->ours = true;
}

/* Split what was read into lines (a long one is cut, not split). */
static void leak_feed(struct leak_scan *s, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (s->line_len < LEAK_LINE - 1)
				s->line[s->line_len++] = buf[i];
			continue;
		}
		s->line[s->line_len] = '\0';
		leak_line(s, s->line);
		s->line_len = 0;
	}
}

static void lb_kmemleak_none(struct kunit *test)
{
	struct leak_scan *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned long uaddr;
	loff_t pos = 0;
	char *kbuf;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->test = test;
	s->block = kunit_kzalloc(test, LEAK_BLOCK, GFP_KERNEL);
	kbuf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->block);
	KUNIT_ASSERT_NOT_NULL(test, kbuf);
	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
			      PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_TRUE_MSG(test, uaddr && !IS_ERR_VALUE(uaddr),
			      "no user page (%ld)", (long)uaddr);
	s->ubuf = (char __user *)uaddr;
	s->file = leak_open(test);

	/* What the last suite freed through RCU is freed, and old enough. */
	rcu_barrier();
	msleep(LEAK_MIN_AGE_MS);
	leak_cmd(s, "scan");
	leak_cmd(s, "scan");

	for (;;) {
		n = s->file->f_op->read(s->file, s->ubuf, PAGE_SIZE, &pos);
		KUNIT_ASSERT_GE_MSG(test, n, 0, "reading kmemleak: %zd", n);
		if (!n)
			break;
		KUNIT_ASSERT_EQ(test, copy_from_user(kbuf, s->ubuf, n), 0);
		leak_feed(s, kbuf, n);
	}
	if (s->line_len) {
		s->line[s->line_len] = '\0';
		leak_line(s, s->line);
	}
	leak_object_end(s);

	kunit_info(test, "kmemleak: %u unreferenced objects, %u of them lb's, %u of the rest of the kernel\n",
		   s->objects, s->lb_objects, s->objects - s->lb_objects);
	if (s->lb_objects > LEAK_SHOW)
		KUNIT_FAIL(test, "%u more objects leaked by lb (not shown)",
			   s->lb_objects - LEAK_SHOW);
}

static struct kunit_case lb_kmemleak_cases[] = {
	KUNIT_CASE_SLOW(lb_kmemleak_none),
	{}
};

static struct kunit_suite lb_kmemleak_suite = {
	.name = "lb_kmemleak",
	.test_cases = lb_kmemleak_cases,
};

kunit_test_suite(lb_kmemleak_suite);
