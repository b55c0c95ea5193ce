/*
 * Adds the rest of KumoMTA's kumo API (and kumo.sources) to the kumo object, before the
 * bootstrap freezes it. Evaluates to a function the bootstrap calls with the kumo object, the
 * bridge, and the JSON functions and error check it captured before any policy code ran.
 *
 * Values cross as JSON text; a library function handed to the script (a memoized function, a
 * regex method) arrives as {"$kumo_fn": i} and becomes a JavaScript function here. A script
 * function handed to the library (kumo.memoize's FUNCTION) is wrapped to take and return JSON.
 * Reading a name KumoMTA does not have throws "kumo.x is not part of KumoMTA's kumo API".
 * Library names are found through Nashorn's __noSuchProperty__ and made on first use, so
 * `'memoize' in kumo` is false although kumo.memoize works.
 */
(function (kumo, bridge, parse, stringify, checked, ErrorType, freeze, defineProperty) {
  'use strict';

  var call = bridge.library_call;
  var invoke = bridge.library_invoke;
  // What a name is (Java answers, from the library's own tables): nothing about the names is
  // built per engine. Names, modules and functions are made on first use: an engine that never
  // reads kumo.string pays nothing for it (most engines read a handful of names).
  var kindOf = bridge.library_kind;
  var hasOwn = Object.prototype.hasOwnProperty;
  var made = {};

  function scriptArgs(args) {
    var out = [];
    for (var i = 0; i < args.length; i++) {
      out.push(typeof args[i] === 'function' ? jsonFunction(args[i]) : args[i]);
    }
    return out;
  }

  function jsonFunction(fn) {
    return function (json) {
      var result = fn.apply(null, parse(json));
      return result === undefined ? undefined : stringify(result);
    };
  }

  function revive(raw) {
    var result = checked(raw);
    return parse(result.json, function (key, value) {
      if (value !== null && typeof value === 'object' && typeof value.$kumo_fn === 'number') {
        var handle = result['fn' + value.$kumo_fn];
        return function () {
          return revive(invoke(handle, scriptArgs(arguments)));
        };
      }
      return value;
    });
  }

  function libraryFunction(name) {
    return function () {
      return revive(call(name, scriptArgs(arguments)));
    };
  }

  // The value of kumo.<path>, made once; undefined when KumoMTA has no such name.
  function lookup(path) {
    if (hasOwn.call(made, path)) {
      return made[path];
    }
    var kind = kindOf(path);
    var value;
    if (kind === 'MODULE') {
      value = module(path);
    } else if (kind === 'VALUE') {
      value = revive(call(path, []));
    } else if (kind === 'REAL' || kind === 'INERT') {
      value = libraryFunction(path);
    } else {
      return undefined;
    }
    made[path] = value;
    return value;
  }

  function refuseUnknown(object, prefix) {
    defineProperty(object, '__noSuchProperty__', {
      value: function (key) {
        var value = lookup(prefix ? prefix + '.' + key : key);
        if (value === undefined) {
          throw new ErrorType('kumo.' + (prefix ? prefix + '.' : '') + key
            + " is not part of KumoMTA's kumo API");
        }
        return value;
      },
      enumerable: false
    });
  }

  function module(path) {
    var object = {};
    if (path === 'sources') {
      object.setup = setupSources;
    }
    refuseUnknown(object, path);
    return freeze(object);
  }

  // kumo.sources.setup(files): the data helper of policy-extras.sources, for JavaScript.
  var configured = false;
  function setupSources(files) {
    if (configured) {
      throw new ErrorType('sources module has already been configured');
    }
    configured = true;
    var load = lookup('sources.load');
    kumo.on('get_egress_source', function (name) {
      var params = load(files).sources[name];
      if (params === undefined) {
        throw new ErrorType("source '" + name + "' is not defined in the sources files");
      }
      return kumo.make_egress_source(params);
    });
    kumo.on('get_egress_pool', function (name) {
      var params = load(files).pools[name];
      if (params === undefined) {
        throw new ErrorType("pool '" + name + "' is not defined in the sources files");
      }
      return kumo.make_egress_pool(params);
    });
  }

  refuseUnknown(kumo, '');
});
