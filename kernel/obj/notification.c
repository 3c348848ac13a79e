/* Notifications. When the last handle closes, waiters wake with -EPIPE. */
#include <errno.h>
#include <ipc.h>
#include <pool.h>
#include <sched.h>

static void notification_release(struct kobj *o)
{
	struct notification *n = (struct notification *)o;

	while (!list_empty(&n->waiters)) {
		struct thread *t = list_first(&n->waiters, struct thread, sched_link);

		list_remove(&t->sched_link);
		sched_wake(t, -EPIPE);
	}
	if (n->bound)
		n->bound->bound = NULL;
	pool_kfree(n->pool, n, sizeof(*n));
	kobj_put(&n->pool->obj);
}

const struct kobj_ops notification_ops = { "notification", notification_release };

int notification_create(struct pool *pool, struct notification **out)
{
	struct notification *n = pool_kalloc(pool, sizeof(*n));

	if (!n)
		return -ENOMEM;
	kobj_init(&n->obj, &notification_ops);
	n->pool = pool;
	kobj_get(&pool->obj);
	list_init(&n->waiters);
	*out = n;
	return 0;
}
