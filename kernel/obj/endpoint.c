/* Endpoints. Their lifetime is their handles': when the last one closes,
 * every waiting thread wakes with -EPIPE and fault users lose it. */
#include <errno.h>
#include <ipc.h>
#include <pool.h>
#include <sched.h>

static void wake_all(struct list *q)
{
	while (!list_empty(q)) {
		struct thread *t = list_first(q, struct thread, sched_link);

		list_remove(&t->sched_link);
		sched_wake(t, -EPIPE);
	}
}

static void endpoint_release(struct kobj *o)
{
	struct endpoint *ep = (struct endpoint *)o;

	wake_all(&ep->senders);
	wake_all(&ep->receivers);
	while (!list_empty(&ep->fault_users)) {
		struct thread *t = list_first(&ep->fault_users, struct thread, fault_link);

		list_remove(&t->fault_link);
		t->fault_ep = NULL;
	}
	pool_kfree(ep->pool, ep, sizeof(*ep));
	kobj_put(&ep->pool->obj);
}

const struct kobj_ops endpoint_ops = { "endpoint", endpoint_release };

int endpoint_create(struct pool *pool, struct endpoint **out)
{
	struct endpoint *ep = pool_kalloc(pool, sizeof(*ep));

	if (!ep)
		return -ENOMEM;
	kobj_init(&ep->obj, &endpoint_ops);
	ep->pool = pool;
	kobj_get(&pool->obj);
	list_init(&ep->senders);
	list_init(&ep->receivers);
	list_init(&ep->fault_users);
	*out = ep;
	return 0;
}
