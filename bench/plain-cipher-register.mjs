// node --import tsx --import ./bench/plain-cipher-register.mjs …: see plain-cipher-hooks.mjs
import { register } from 'node:module';

register('./plain-cipher-hooks.mjs', import.meta.url);
