/* Handle tables. */
#include <errno.h>
#include <faultline/abi.h>
#include <handle.h>
#include <kernel.h>
#include <task.h>

int handle_install_badged(struct task *t, struct kobj *o, uint32_t rights, uint32_t badge)
{
	if (t->handles_free == 0)
		return -EMFILE;
	for (unsigned i = t->handle_hint; i < HANDLES_MAX; i++) {
		if (!t->handles[i].obj) {
			kobj_get(o);
			t->handles[i] = (struct handle){ o, rights, badge };
			t->handles_free--;
			t->handle_hint = i + 1;
			return (int)i;
		}
	}
	panic("handle_install: %u slots free but none found", t->handles_free);
}

int handle_install(struct task *t, struct kobj *o, uint32_t rights)
{
	return handle_install_badged(t, o, rights, 0);
}

int handle_free_slots(struct task *t, int want)
{
	return MIN(want, (int)t->handles_free);
}

static struct handle *slot(struct task *t, long h)
{
	if (h < 0 || h >= HANDLES_MAX || !t->handles[h].obj)
		return NULL;
	return &t->handles[h];
}

int handle_lookup(struct task *t, long h, const struct kobj_ops *ops, uint32_t rights,
		  struct handle **out)
{
	struct handle *s = slot(t, h);

	if (!s)
		return -EBADF;
	if (ops && s->obj->ops != ops)
		return -EINVAL;
	if ((s->rights & rights) != rights)
		return -EPERM;
	*out = s;
	return 0;
}

int handle_get(struct task *t, long h, const struct kobj_ops *ops, uint32_t rights,
	       struct kobj **out)
{
	struct handle *s;
	int err = handle_lookup(t, h, ops, rights, &s);

	if (!err)
		*out = s->obj;
	return err;
}

int handle_dup(struct task *t, long h, uint32_t rights)
{
	struct handle *s = slot(t, h);

	if (!s)
		return -EBADF;
	if (rights & ~(uint32_t)FL_RIGHTS_ALL)
		return -EINVAL;
	if (rights & ~s->rights)
		return -EPERM;
	return handle_install_badged(t, s->obj, rights, s->badge);
}

int handle_close(struct task *t, long h)
{
	struct handle *s = slot(t, h);
	struct kobj *o;

	if (!s)
		return -EBADF;
	o = s->obj;
	*s = (struct handle){ NULL, 0, 0 };
	t->handles_free++;
	if ((unsigned)h < t->handle_hint)
		t->handle_hint = (unsigned)h;
	kobj_put(o);
	return 0;
}

void handle_close_all(struct task *t)
{
	for (int i = 0; i < HANDLES_MAX; i++)
		if (t->handles[i].obj)
			handle_close(t, i);
}
