// The floor of the pipeline for `npm run bench:http`: a bare Koa 3 app answering `GET /health`
// as the server does ({ status: 'ok' }), with nothing else, on PORT. Started as a child process.
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/health') ctx.body = { status: 'ok' };
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
