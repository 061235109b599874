import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { installErrorShim } from './lib/api';

performance.mark('relais:script');
installErrorShim();

const target = document.getElementById('app');
if (!target) throw new Error('Relais: #app is missing from index.html');
mount(App, { target });
