/* Handle tables. */
#include <errno.h>
#include <faultline/abi.h>
#include <handle.h>
#include <task.h>

int handle_install(struct task *t, struct kobj *o, uint32_t rights)
{
	for (int i = 0; i < HANDLES_MAX; i++) {
		if (!t->handles[i].obj) {
			kobj_get(o);
			t->handles[i].obj = o;
			t->handles[i].rights = rights;
			return i;
		}
	}
	return -EMFILE;
}

static struct handle *slot(struct task *t, long h)
{
	if (h < 0 || h >= HANDLES_MAX || !t->handles[h].obj)
		return NULL;
	return &t->handles[h];
}

int handle_get(struct task *t, long h, const struct kobj_ops *ops, uint32_t rights,
	       struct kobj **out)
{
	struct handle *s = slot(t, h);

	if (!s)
		return -EBADF;
	if (s->obj->ops != ops)
		return -EINVAL;
	if ((s->rights & rights) != rights)
		return -EPERM;
	*out = s->obj;
	return 0;
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
	return handle_install(t, s->obj, rights);
}

int handle_close(struct task *t, long h)
{
	struct handle *s = slot(t, h);
	struct kobj *o;

	if (!s)
		return -EBADF;
	o = s->obj;
	s->obj = NULL;
	s->rights = 0;
	kobj_put(o);
	return 0;
}

void handle_close_all(struct task *t)
{
	for (int i = 0; i < HANDLES_MAX; i++)
		if (t->handles[i].obj)
			handle_close(t, i);
}
