package control

// mpv's IPC requests (DOCS/man/ipc.rst, input/ipc.c of mpv 0.35), carried
// out on the connection's own client of the player's libmpv and answered
// as mpv answers them: the same checks of the arguments ("invalid
// parameter"), the same replies with or without "data".

// stringArg is the only argument, when it is a string.
func stringArg(c call) (string, bool) {
	if len(c.args) != 1 {
		return "", false
	}
	s, ok := c.args[0].(string)
	return s, ok
}

func getProperty(c call) reply {
	name, ok := stringArg(c)
	if !ok {
		return failed(c.req.id, errInvalid)
	}
	v, err := c.cl.mpv.GetProperty(name)
	return answer(c.req.id, v, err)
}

// getPropertyString answers success whatever happens, with null data for
// a property that cannot be read: mpv's IPC does.
func getPropertyString(c call) reply {
	name, ok := stringArg(c)
	if !ok {
		return failed(c.req.id, errInvalid)
	}
	if v, found := c.cl.mpv.GetPropertyString(name); found {
		return withData(c.req.id, v)
	}
	return withData(c.req.id, nil)
}

func setProperty(c call) reply {
	if len(c.args) != 2 {
		return failed(c.req.id, errInvalid)
	}
	name, isString := c.args[0].(string)
	if !isString {
		return failed(c.req.id, errInvalid)
	}
	if err := c.s.propertyRefusal(name); err != nil {
		return failed(c.req.id, err)
	}
	return result(c.req.id, c.cl.mpv.SetProperty(name, c.args[1]))
}

func observe(asString bool) func(c call) reply {
	return func(c call) reply {
		if len(c.args) != 2 {
			return failed(c.req.id, errInvalid)
		}
		id, isInt := c.args[0].(int64)
		name, isString := c.args[1].(string)
		if !isInt || !isString {
			return failed(c.req.id, errInvalid)
		}
		return result(c.req.id, c.cl.mpv.Observe(uint64(id), name, asString))
	}
}

func unobserve(c call) reply {
	if len(c.args) != 1 {
		return failed(c.req.id, errInvalid)
	}
	id, isInt := c.args[0].(int64)
	if !isInt {
		return failed(c.req.id, errInvalid)
	}
	return result(c.req.id, c.cl.mpv.Unobserve(uint64(id)))
}

func requestLogMessages(c call) reply {
	level, ok := stringArg(c)
	if !ok {
		return failed(c.req.id, errInvalid)
	}
	return result(c.req.id, c.cl.mpv.RequestLogMessages(level))
}

func requestEvent(enable bool) func(c call) reply {
	return func(c call) reply {
		name, ok := stringArg(c)
		if !ok {
			return failed(c.req.id, errInvalid)
		}
		return result(c.req.id, c.cl.mpv.RequestEvent(name, enable))
	}
}

func clientName(c call) reply { return withData(c.req.id, c.cl.mpv.Name()) }
func timeUS(c call) reply     { return withData(c.req.id, c.cl.mpv.TimeUS()) }
func version(c call) reply    { return withData(c.req.id, c.cl.mpv.APIVersion()) }

// result is the reply of a request that only sets something: no data.
func result(id any, err error) reply {
	if err != nil {
		return failed(id, err)
	}
	return noData(id)
}
